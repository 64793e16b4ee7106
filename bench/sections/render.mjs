// 1. Render cost in Chromium: the same N tokens at R tok/s into a thread of 200 finished messages,
// through DurableChat (memory transport, in-page broker and agent) and through useChat (a custom
// ChatTransport stream), with and without experimental_throttle. Each variant runs twice: once for
// timings (no instrumentation but the Profiler) and once counting component renders via the devtools
// hook (which costs time itself). Also: heap growth over provider mount/unmount cycles.
import { buildPage, launch, objectHeapBytes, serve } from '../browser.mjs';
import { quick, report } from '../lib.mjs';

const TOKENS = quick ? 1000 : 5000;
const RATE = 1000;
const THREAD = 200;
const CYCLES = 100;

const VARIANTS = [
  { id: 'ours', label: 'durable-sessions DurableChat', run: 'runOurs', opts: {} },
  { id: 'ours-1', label: 'durable-sessions, one append per token', run: 'runOurs', opts: { batch: { maxChars: 1 } } },
  { id: 'ours-tool', label: 'durable-sessions, a tool call’s input and the text streaming at once', run: 'runOurs', opts: { toolCall: true } },
  { id: 'usechat', label: 'useChat', run: 'runUseChat', opts: {} },
  { id: 'usechat-50', label: 'useChat experimental_throttle 50 ms', run: 'runUseChat', opts: { throttle: 50 } },
  { id: 'usechat-http', label: 'useChat over its default HTTP transport (SSE)', run: 'runUseChat', opts: { via: 'http' } },
  { id: 'usechat-durable', label: 'useChat over createDurableChatTransport', run: 'runUseChat', opts: { via: 'durable' } },
];

await buildPage();
const site = await serve();
const browser = await launch();
const results = {};
let mountResult;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const marks = {};
  await page.exposeFunction('benchMark', async (name) => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    marks[name] = Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  });
  await page.goto(site.url);
  await page.waitForFunction(() => window.bench?.ready);

  const once = async (v, counting) => {
    const r = await page.evaluate(([fn, o]) => window.bench[fn](o), [v.run, { thread: THREAD, tokens: TOKENS, rate: RATE, counting, ...v.opts }]);
    const d = (k) => (marks.end[k] - marks.start[k]) * 1000;
    return { ...r, scriptMs: d('ScriptDuration'), taskMs: d('TaskDuration'), layoutMs: d('LayoutDuration') + d('RecalcStyleDuration') };
  };
  // A warm-up of each path, so JIT and first-use costs do not land in one side's figures.
  for (const v of VARIANTS) await page.evaluate(([fn, o]) => window.bench[fn](o), [v.run, { thread: THREAD, tokens: 200, rate: RATE, counting: false, ...v.opts }]);
  for (const v of VARIANTS) {
    const timed = await once(v, false);
    const counted = await once(v, true);
    results[v.id] = { label: v.label, timed, counted };
  }

  const heap = async () => {
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await cdp.send('HeapProfiler.enable');
  await page.evaluate(() => window.bench.mountCycles(20));
  const before = await heap();
  const objectsBefore = await objectHeapBytes(cdp);
  await page.evaluate((n) => window.bench.mountCycles(n), CYCLES);
  const after = await heap();
  const objectsAfter = await objectHeapBytes(cdp);
  mountResult = { cycles: CYCLES, growth: objectsAfter - objectsBefore, perCycle: (objectsAfter - objectsBefore) / CYCLES, usedSizeGrowth: after - before };
  if (errors.length) throw new Error(`page errors: ${errors.slice(0, 3).join(' | ')}`);
} finally {
  await browser.close();
  site.close();
}

const ours = results.ours;
const uc = results.usechat;
const rows = [];
for (const [id, r] of Object.entries(results)) {
  const t = r.timed;
  const c = r.counted;
  rows.push({
    metric: id === 'ours-tool' ? 'React commits per frame while a tool call’s input and the text stream at once: commits / frames (max per frame)' : `${r.label}: commits / frames (max per frame)`,
    value: `${t.commits} / ${t.frames} = ${(t.commits / t.frames).toFixed(2)} (${t.maxCommitsPerFrame})`,
    ...(id.startsWith('ours') ? { budget: '≤ 1 commit per frame', pass: t.commits <= t.frames } : {}),
  });
  rows.push({ metric: `${r.label}: components rendered per token`, value: (c.renders / TOKENS).toFixed(3) });
  rows.push({
    metric: `${r.label}: finished-message re-renders`,
    value: String(c.finishedRenders),
    ...(id.startsWith('ours') ? { budget: '0', pass: c.finishedRenders === 0 } : {}),
  });
  rows.push({
    metric: `${r.label}: main-thread scripting / all tasks / long tasks`,
    value: `${t.scriptMs.toFixed(0)} ms / ${t.taskMs.toFixed(0)} ms / ${t.longTasks} (${t.longTaskMs.toFixed(0)} ms)`,
    ...(t.exact && c.exact ? {} : { note: 'final text differs from the tokens sent' }),
  });
}
const ratio = ours.timed.scriptMs / uc.timed.scriptMs;
rows.push({ metric: 'scripting ratio: durable-sessions / useChat (un-throttled)', value: `${ratio.toFixed(3)}×`, budget: '≤ 0.2×', pass: ratio <= 0.2 });
const viaHttp = results['usechat-http'].timed;
const viaDurable = results['usechat-durable'].timed;
rows.push({
  metric: 'useChat over createDurableChatTransport / over its default HTTP transport, same tokens: scripting ratio (commits per frame)',
  value: `${(viaDurable.scriptMs / viaHttp.scriptMs).toFixed(3)}× (${(viaDurable.commits / viaDurable.frames).toFixed(2)} vs ${(viaHttp.commits / viaHttp.frames).toFixed(2)})`,
});
const mountRow = {
  metric: `Chromium heap held by objects, over ${mountResult.cycles} provider+DurableChat mount/unmount cycles`,
  value: `${(mountResult.growth / 1024).toFixed(1)} KB (${(mountResult.perCycle / 1024).toFixed(2)} KB/cycle)`,
  budget: '≤ 1 KB/cycle (no growth)',
  pass: mountResult.perCycle <= 1024,
  note: `whole used heap incl. V8's compiled code: ${(mountResult.usedSizeGrowth / 1024).toFixed(1)} KB`,
};
report([
  { section: `1. Render (${TOKENS} tok @ ${RATE}/s, ${THREAD}-msg thread, Chromium)`, rows, data: { tokens: TOKENS, rate: RATE, thread: THREAD, variants: results } },
  { section: '6. Memory (mount cycles)', rows: [mountRow], data: mountResult },
]);
