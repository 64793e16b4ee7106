// 2. Latency on loopback: an agent in Node writes numbered tokens through the local server; Chromium
// renders them with DurableChat over the ably transport. Per token: write → append sent (the agent's
// append batching), → arrived in the page's socket, → applied to the store (the frame batching), →
// in the DOM. Stamps are wall-clock ms from two processes on one machine (performance.timeOrigin).
import { buildPage, launch, serve } from '../browser.mjs';
import { kit, localServer, now, quick, report, sleep, stats, until } from '../lib.mjs';

const TOKENS = quick ? 300 : 1000;
const RATE = 100;
const k = await kit();
const srv = await localServer();
await buildPage();
const site = await serve();
const browser = await launch();
const sessionId = 'bench-latency';
try {
  const writeAt = [];
  const sentAt = [];
  const agentTransport = k.createAblyTransport({ client: srv.client({ clientId: 'agent' }) });
  // Stamp each append as the agent hands it to the SDK (a pass-through wrapper, nothing changed).
  const channel = agentTransport.channel.bind(agentTransport);
  agentTransport.channel = (id) => {
    const ch = channel(id);
    if (!ch.__stamped) {
      ch.__stamped = true;
      const append = ch.append.bind(ch);
      ch.append = (serial, data, headers) => {
        const m = /t(\d+)\s*$/.exec(data);
        if (m) for (let i = sentAt.length, t = now(); i <= Number(m[1]); i++) sentAt[i] = t;
        return append(serial, data, headers);
      };
    }
    return ch;
  };
  const agent = k.createAgent({
    transport: agentTransport,
    sessionId,
    agentId: 'bench',
    handler: async (turn) => {
      const t0 = now();
      for (let i = 0; i < TOKENS; i++) {
        await sleep(Math.max(0, t0 + (i * 1000) / RATE - now()));
        writeAt[i] = now();
        turn.write(` t${i}`);
      }
    },
  });
  await agent.start();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(site.url);
  await page.waitForFunction(() => window.bench?.ready);
  const ablyOptions = { ...srv.server.clientOptions({ browser: true }), clientId: 'viewer', logLevel: 0 };
  await page.evaluate((o) => window.bench.latencyProbe(o), { ablyOptions, sessionId });
  await page.evaluate(() => window.__latency.ctrl.send('count'));
  await until(() => writeAt.length === TOKENS, 'the agent to write', 60_000);
  await agent.idle();
  await page.waitForFunction((n) => window.__latency.times.dom.length >= n, TOKENS, { timeout: 30_000 });
  const times = await page.evaluate(() => window.__latency.times);
  if (errors.length) throw new Error(errors.join(' | '));
  await agent.stop();
  const per = (a, b) => stats(writeAt.map((_, i) => b[i] - a[i]).filter(Number.isFinite));
  const total = per(writeAt, times.dom);
  const row = (metric, s) => ({ metric, value: `p50 ${s.p50.toFixed(1)} · p95 ${s.p95.toFixed(1)} · p99 ${s.p99.toFixed(1)} ms` });
  report({
    section: `2. Latency (${TOKENS} tokens @ ${RATE}/s, Node agent → local server → Chromium DOM)`,
    rows: [
      row('agent write → text in the DOM (total)', total),
      row('  write → append sent (agent batching, 40 ms default)', per(writeAt, sentAt)),
      row('  append sent → arrived in the page (server + socket + SDK)', per(sentAt, times.arrived)),
      row('  arrived → applied to the store (frame batching)', per(times.arrived, times.store)),
      row('  store → DOM (React render + commit)', per(times.store, times.dom)),
    ],
    data: { tokens: TOKENS, rate: RATE, total },
  });
} finally {
  await browser.close();
  site.close();
  await srv.close();
}
