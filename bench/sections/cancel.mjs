// 4. Cancel: a client's stop (controller.cancel, what the stop button calls) → the agent's
// AbortSignal fires, and → the client store shows the response `cancelled` (applied on its frame
// scheduler: a 16 ms timer in Node, as requestAnimationFrame in a browser). Local server, real ably
// clients, one process (one clock).
import { kit, latestResponse, localServer, now, quick, report, sleep, stats, until } from '../lib.mjs';

const RUNS = quick ? 8 : 40;
const k = await kit();
const srv = await localServer();
const sessionId = 'bench-cancel';
try {
  let abortedAt = 0;
  const agent = k.createAgent({
    transport: k.createAblyTransport({ client: srv.client({ clientId: 'agent' }) }),
    sessionId,
    agentId: 'bench',
    handler: async (turn) => {
      turn.signal.addEventListener('abort', () => (abortedAt = now()));
      for (let i = 0; i < 100_000 && !turn.signal.aborted; i++) {
        turn.write(` w${i}`);
        await sleep(5);
      }
    },
  });
  await agent.start();
  const ctrl = k.createSessionController({ transport: k.createAblyTransport({ client: srv.client({ clientId: 'user' }) }), sessionId });
  await ctrl.start();
  const toAbort = [];
  const toStore = [];
  for (let i = 0; i < RUNS; i++) {
    abortedAt = 0;
    const sent = await ctrl.send(`run ${i}`);
    await until(() => {
      const r = latestResponse(ctrl.store.getState());
      return r && r.turnId === sent.id && r.text.length > 20;
    }, 'tokens to arrive');
    let cancelledAt = 0;
    const unsub = ctrl.store.subscribe((s) => {
      const r = latestResponse(s);
      if (!cancelledAt && r?.turnId === sent.id && r.status === 'cancelled') cancelledAt = now();
    });
    const t0 = now();
    void ctrl.cancel();
    await until(() => abortedAt > 0 && cancelledAt > 0, 'the cancel to land');
    unsub();
    toAbort.push(abortedAt - t0);
    toStore.push(cancelledAt - t0);
    await agent.idle();
  }
  await ctrl.stop();
  await agent.stop();
  const a = stats(toAbort);
  const s = stats(toStore);
  report({
    section: `4. Cancel (${RUNS} stops mid-stream, ably over loopback)`,
    rows: [
      { metric: 'stop → agent AbortSignal fired', value: `p50 ${a.p50.toFixed(1)} ms · p99 ${a.p99.toFixed(1)} ms` },
      { metric: 'stop → client store shows `cancelled` (incl. frame batching)', value: `p50 ${s.p50.toFixed(1)} ms · p99 ${s.p99.toFixed(1)} ms` },
    ],
    data: { runs: RUNS, toAbort: a, toStore: s },
  });
} finally {
  await srv.close();
}
