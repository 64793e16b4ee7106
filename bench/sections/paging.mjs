// 11. Paging: opening a 10,000-turn session (20,000 messages: a question and a finished answer per
// turn) costs what opening a 50-turn one does, because the thread opens on ONE history page and
// older pages are read on demand. Local server + the ably SDK in Chromium, DurableChat rendering;
// timed from creating the connection until the thread shows the newest page's rows. The sessions
// are seeded straight into the server's broker (setup, not measured): the same create a publish
// makes once its capability checks pass.
import { buildPage, launch, serve } from '../browser.mjs';
import { fmt, localServer, quick, report, stats } from '../lib.mjs';

const BIG = 10_000;
const SMALL = 50;
const PAGE = 100; // the controller's default historyPageSize
const RUNS = quick ? 5 : 20;
const OLDER_PAGES = 3;

// Retention must hold the whole session: the broker's default keeps the newest 10,000 messages.
const srv = await localServer({ retention: { maxMessages: 2 * BIG + 100 } });
const question = (i) => `question ${i}`;
const answer = (i) => `answer ${i}: ` + 'durable sessions keep every finished answer as one message '.repeat(3).trim();

/** Seeds `turns` finished turns (a user message following the previous turn, and one complete answer). */
function seed(sessionId, turns) {
  const log = srv.server.broker.channel(sessionId);
  for (let i = 0; i < turns; i++) {
    const turnId = `${sessionId}-t${i}`;
    const responseId = `${sessionId}-r${i}`;
    log.create({ name: 'user.message', data: { text: question(i), parent: i === 0 ? null : `${sessionId}-t${i - 1}` }, headers: { 'ds-turn': turnId }, id: `ds.${turnId}` }, { clientId: 'seed-user' });
    log.create(
      { name: 'agent.response', data: answer(i), headers: { 'ds-response': responseId, 'ds-agent': 'assistant', 'ds-turn': turnId, 'ds-status': 'complete' }, id: `ds.${responseId}` },
      { clientId: 'seed-agent' },
    );
  }
  if (log.messageCount !== 2 * turns) throw new Error(`seeded ${log.messageCount} messages, expected ${2 * turns}`);
}

const t0 = performance.now();
seed('bench-paging-big', BIG);
seed('bench-paging-small', SMALL);
const seedMs = performance.now() - t0;

await buildPage();
const site = await serve();
const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  await page.waitForFunction(() => window.bench?.ready);
  const ablyOptions = { ...srv.server.clientOptions({ browser: true }), clientId: 'reader', logLevel: 0 };
  const open = (sessionId, turns, older = 0) =>
    page.evaluate((o) => window.bench.openSession(o), {
      ablyOptions,
      sessionId,
      rows: Math.min(PAGE, 2 * turns),
      lastText: answer(turns - 1),
      older: { firstText: Array.from({ length: older }, (_, k) => question(turns - (PAGE / 2) * (k + 2))) },
    });
  // Warm-up: the first open loads the ably SDK's chunk and warms the JIT for both.
  await open('bench-paging-small', SMALL);
  await open('bench-paging-big', BIG);
  const small = [];
  const big = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate, so a slow stretch of the machine hits both.
    small.push(await open('bench-paging-small', SMALL));
    big.push(await open('bench-paging-big', BIG, i === 0 ? OLDER_PAGES : 0));
  }
  if (errors.length) throw new Error(errors.join(' | '));
  const s = stats(small.map((r) => r.ms));
  const b = stats(big.map((r) => r.ms));
  const ratio = b.p50 / s.p50;
  const worstOpen = big.reduce((a, r) => (r.open.requests > a.open.requests || r.open.items > a.open.items ? r : a));
  const older = big[0].older;
  const maxPerPage = Math.max(...big.flatMap((r) => r.pages));
  const olderOk = older.length === OLDER_PAGES && older.every((p) => p.requests === 1 && p.items === PAGE && p.rows === PAGE);
  const o = stats(older.map((p) => p.ms));
  report({
    section: `11. Paging (${fmt(BIG)} turns vs ${SMALL}, history page ${PAGE}, ably in Chromium, DurableChat, ${RUNS} opens each)`,
    rows: [
      { metric: `open a ${fmt(BIG)}-turn session → newest page rendered`, value: `p50 ${fmt(b.p50)} · p99 ${fmt(b.p99)} ms` },
      { metric: `open a ${SMALL}-turn session → all rendered (baseline)`, value: `p50 ${fmt(s.p50)} · p99 ${fmt(s.p99)} ms`, note: `seeding both sessions into the broker took ${fmt(seedMs)} ms (setup, not timed)` },
      { metric: `ratio ${fmt(BIG)} / ${SMALL} turns (p50)`, value: `${ratio.toFixed(2)}×`, budget: '≤ 3×', pass: ratio <= 3 },
      {
        metric: `history requests / messages fetched to open ${fmt(BIG)} turns`,
        value: `${worstOpen.open.requests} / ${worstOpen.open.items} (of ${fmt(2 * BIG)})`,
        budget: `1 request, ≤ ${PAGE} messages`,
        pass: big.every((r) => r.open.requests === 1 && r.open.items <= PAGE && r.open.hasOlder),
      },
      { metric: 'history messages fetched per page (most in any request)', value: `${maxPerPage}`, budget: `≤ ${PAGE}`, pass: maxPerPage <= PAGE },
      {
        metric: `load older, ${OLDER_PAGES} pages → rows rendered above`,
        value: olderOk ? `p50 ${fmt(o.p50)} · max ${fmt(o.max)} ms; each 1 request, ${PAGE} messages, +${PAGE} rows` : `${older.map((p) => `${p.requests} req/${p.items} msgs/+${p.rows} rows`).join(', ')}`,
        budget: `1 request and +${PAGE} rows each`,
        pass: olderOk,
      },
    ],
    data: { turns: BIG, small: SMALL, page: PAGE, runs: RUNS, seedMs, bigMs: big.map((r) => r.ms), smallMs: small.map((r) => r.ms), older, open: big.map((r) => r.open) },
  });
} finally {
  await browser.close();
  site.close();
  await srv.close();
}
