// 5. Hydration: a late joiner opens a session of 100 finished turns (500 tokens each) through the
// local server with a real ably client. Time until the store holds the whole transcript, and how many
// history messages that took: each response arrives aggregated, so ≤ 1 per finished turn.
import { countHistory, kit, localServer, now, quick, report, stats, until } from '../lib.mjs';

const TURNS = 100;
const TOKENS = 500;
const JOINERS = quick ? 2 : 5;
const WORDS = [' alpha', ' beta', ' gamma', ' delta', ' epsilon'];

const k = await kit();
const srv = await localServer();
const sessionId = 'bench-hydration';
const texts = new Map();
try {
  const agent = k.createAgent({
    transport: k.createAblyTransport({ client: srv.client({ clientId: 'agent' }) }),
    sessionId,
    agentId: 'bench',
    handler: (turn) => {
      for (let i = 0; i < TOKENS; i++) turn.write(WORDS[(i + turn.input.text.length) % WORDS.length]);
      texts.set(turn.responseId, turn.text);
    },
  });
  await agent.start();
  const writer = k.createSessionController({ transport: k.createAblyTransport({ client: srv.client({ clientId: 'writer' }) }), sessionId, scheduler: k.microtaskScheduler });
  await writer.start();
  for (let i = 0; i < TURNS; i++) {
    await writer.send(`question number ${i}`);
    await until(() => texts.size === i + 1, `turn ${i}`);
    await agent.idle();
  }
  await until(() => {
    const s = writer.store.getState();
    return Object.keys(s.responses).length === TURNS && Object.values(s.responses).every((key) => s.entries[key]?.status === 'complete');
  }, 'the writer to see every turn complete');
  await writer.stop();

  const runs = [];
  for (let j = 0; j < JOINERS; j++) {
    const transport = k.createAblyTransport({ client: srv.client({ clientId: `joiner-${j}` }) });
    const counter = countHistory(transport);
    const ctrl = k.createSessionController({ transport, sessionId });
    const t0 = now();
    // The newest page first (what a tab shows at once), then every older page, as scrolling up would.
    void ctrl.start().then(async () => {
      while (ctrl.store.getState().paging.hasOlder) await ctrl.loadOlder();
    });
    const complete = () => {
      const s = ctrl.store.getState();
      if (!s.connection.hydrated) return false;
      let n = 0;
      for (const key of Object.values(s.responses)) {
        // Settled responses only: one still streaming lives in `s.live`.
        const e = s.entries[key];
        if (!e || e.status !== 'complete' || e.text !== texts.get(e.responseId)) return false;
        n++;
      }
      return n === TURNS;
    };
    await until(complete, 'the full transcript');
    const ms = now() - t0;
    runs.push({ ms, ...counter, entries: ctrl.store.getState().order.length });
    await ctrl.stop();
  }
  await agent.stop();
  const t = stats(runs.map((r) => r.ms));
  const worst = runs.reduce((a, b) => (b.items > a.items ? b : a));
  const responses = worst.byName['agent.response'] ?? 0;
  report({
    section: `5. Hydration (${TURNS} turns × ${TOKENS} tokens, late joiner, ably over loopback)`,
    rows: [
      { metric: `time to full transcript (newest page, then each older page), ${JOINERS} joiners`, value: `p50 ${t.p50.toFixed(0)} ms · max ${t.max.toFixed(0)} ms` },
      {
        metric: 'history messages fetched per finished turn (responses)',
        value: `${responses} responses / ${TURNS} turns = ${(responses / TURNS).toFixed(2)}`,
        budget: '≤ 1 per finished turn',
        pass: responses <= TURNS,
      },
      { metric: 'history messages fetched in all / requests', value: `${worst.items} (${Object.entries(worst.byName).map(([n, c]) => `${n} ${c}`).join(', ')}) / ${worst.requests} pages` },
    ],
    data: { turns: TURNS, tokens: TOKENS, runs },
  });
} finally {
  await srv.close();
}
