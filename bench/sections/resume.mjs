// 3. Resume: the client's socket is cut mid-stream and kept offline for 5 s while the agent keeps
// writing; then it reconnects. Time from reconnect to caught-up (the store holds everything the agent
// had written by the reconnect), and duplicated / lost characters in the final text (must be 0).
// Two kinds: the connection resumes (the server replays what was missed), and it cannot resume (the
// channel loses continuity and the controller backfills from history).
import { kit, latestResponse, localServer, now, quick, report, sleep, stats, until } from '../lib.mjs';

const OFFLINE_MS = 5000;
const RUNS = quick ? 1 : 3;
const k = await kit();
const srv = await localServer();
const sessionId = 'bench-resume';
try {
  const records = new Map();
  const agent = k.createAgent({
    transport: k.createAblyTransport({ client: srv.client({ clientId: 'agent' }) }),
    sessionId,
    agentId: 'bench',
    handler: async (turn) => {
      records.set(turn.turnId, turn);
      // ~9 s at 200 tokens/s: the 5 s outage lands in the middle.
      for (let i = 0; i < 1800 && !turn.signal.aborted; i++) {
        turn.write(` t${i}`);
        if (i % 2 === 1) await sleep(10);
      }
    },
  });
  await agent.start();
  const client = srv.client({ clientId: 'user' });
  const ctrl = k.createSessionController({ transport: k.createAblyTransport({ client }), sessionId });
  await ctrl.start();
  const runs = [];
  for (const kind of (process.env.BENCH_KINDS ?? 'resumed,unresumable').split(',')) {
    for (let i = 0; i < RUNS; i++) {
      const sent = await ctrl.send(`${kind} ${i}`);
      const mine = () => {
        const r = latestResponse(ctrl.store.getState());
        return r?.turnId === sent.id ? r : undefined;
      };
      await until(() => (mine()?.text.length ?? 0) > 500, 'the stream to start');
      let reconnectedAt = 0;
      const onConnected = () => (reconnectedAt = now());
      client.connection.once('connected', onConnected);
      srv.server.dropConnection(client.connection.id, kind === 'resumed' ? 'now' : 'unresumable', { holdUntil: sleep(OFFLINE_MS) });
      await until(() => reconnectedAt > 0, 'the reconnect', OFFLINE_MS + 20_000);
      const turn = records.get(sent.id);
      const target = turn.text.length;
      await until(() => (mine()?.text.length ?? 0) >= target, 'catching up', 20_000);
      const caughtUp = now() - reconnectedAt;
      await until(() => mine()?.status === 'complete', 'the stream to end', 30_000);
      const text = mine().text;
      const want = turn.text;
      let common = 0;
      while (common < text.length && common < want.length && text[common] === want[common]) common++;
      if (process.env.BENCH_DEBUG && text !== want) console.error(JSON.stringify({ common, got: text.slice(common - 60, common + 200), want: want.slice(common - 60, common + 200), gl: text.length, wl: want.length }));
      runs.push({
        kind,
        caughtUpMs: caughtUp,
        missedChars: target,
        exact: text === want,
        duplicated: Math.max(0, text.length - common),
        lost: Math.max(0, want.length - common),
        backfills: ctrl.store.getState().connection.backfills,
      });
      await agent.idle();
    }
  }
  await ctrl.stop();
  await agent.stop();
  const rows = [];
  for (const kind of new Set(runs.map((r) => r.kind))) {
    const rs = runs.filter((r) => r.kind === kind);
    const t = stats(rs.map((r) => r.caughtUpMs));
    const dup = rs.reduce((a, r) => a + r.duplicated, 0);
    const lost = rs.reduce((a, r) => a + r.lost, 0);
    const label = kind === 'resumed' ? 'connection resumed' : 'resume refused → history backfill';
    rows.push({ metric: `${label}: reconnect → caught up (${rs.length} runs)`, value: `p50 ${t.p50.toFixed(1)} ms · max ${t.max.toFixed(1)} ms` });
    rows.push({ metric: `${label}: duplicated / lost characters`, value: `${dup} / ${lost}`, budget: '0 / 0', pass: dup === 0 && lost === 0 && rs.every((r) => r.exact) });
  }
  report({ section: `3. Resume (${OFFLINE_MS / 1000} s offline mid-stream, ably over loopback)`, rows, data: { runs } });
} finally {
  await srv.close();
}
