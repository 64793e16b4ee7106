// 9. Work per token against thread length: scripting time to apply 1,000 tokens to a streaming
// response through the one reducer and the store, in a 2,000-message thread and in a 20-message one.
// Design rule 4 says per-token work is O(1); the budget is the ratio of the two, in one run.
import { createStore } from 'zustand/vanilla';
import { fmt, lib, quick, report } from '../lib.mjs';

const core = await lib('core/index.js');
const TOKENS = 1000;
const ROUNDS = quick ? 7 : 21;
/** Each sample applies the 1,000 tokens this many times, so one sample is long enough to time. */
const REPS = 10;
const serial = (n) => `01700000000000-${String(n).padStart(6, '0')}@t:0`;

function action(n, m) {
  const p = core.parseEvent({ serial: serial(n), version: serial(m ?? n), timestamp: 1, ...arguments[2] });
  if (!p.ok) throw p.error;
  return { type: 'event', event: p.event };
}

/** A thread of `messages` settled messages (half user, half finished answers), then one streaming response. */
function thread(messages) {
  let s = core.initialSessionState('bench');
  let n = 0;
  for (let t = 0; t < messages / 2; t++) {
    const u = core.build.userMessage(`t${t}`, `question ${t}`);
    s = core.reduceSession(s, action(++n, n, { action: 'message.create', name: u.name, data: u.data, headers: u.headers }));
    const h = core.build.responseHeaders({ responseId: `r${t}`, agentId: 'a', turnId: `t${t}`, status: 'complete' });
    s = core.reduceSession(s, action(++n, n, { action: 'message.create', name: 'agent.response', data: `answer ${t} `.repeat(20), headers: h }));
  }
  const live = ++n;
  const ids = { responseId: 'live', agentId: 'a', turnId: 'live' };
  s = core.reduceSession(s, action(live, live, { action: 'message.create', name: 'agent.response', data: '', headers: core.build.responseHeaders({ ...ids, status: 'streaming' }) }));
  const appends = [];
  for (let i = 0; i < TOKENS; i++) {
    const headers = core.build.responseHeaders({ ...ids, status: 'streaming', offset: i * 4 });
    appends.push(action(live, live + 1 + i, { action: 'message.append', name: 'agent.response', data: 'tok ', headers }));
  }
  return { state: s, appends, key: serial(live) };
}

/** ms to apply every append, one store update each, with one subscriber reading the streaming entry. */
function run({ state, appends, key }) {
  const store = createStore(() => state);
  let seen = 0;
  const unsub = store.subscribe((s) => {
    if (core.entryOf(s, key)) seen++;
  });
  const t0 = performance.now();
  for (const a of appends) store.setState(core.reduceSession(store.getState(), a), true);
  const ms = performance.now() - t0;
  unsub();
  if (seen !== TOKENS || core.entryOf(store.getState(), key).text.length !== TOKENS * 4) throw new Error('tokens were not all applied');
  return ms;
}

const small = thread(20);
const large = thread(2000);
for (let i = 0; i < 3; i++) run(small), run(large);
const sample = (t) => {
  globalThis.gc?.();
  let ms = 0;
  for (let i = 0; i < REPS; i++) ms += run(t);
  return ms / REPS;
};
const times = { small: [], large: [] };
for (let i = 0; i < ROUNDS; i++) {
  times.small.push(sample(small));
  times.large.push(sample(large));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms20 = median(times.small);
const ms2000 = median(times.large);
const ratio = ms2000 / ms20;
report({
  section: `9. Work per token vs thread length (${TOKENS} tokens, median of ${ROUNDS})`,
  rows: [
    { metric: 'scripting per 1k tokens, 20-message thread', value: `${fmt(ms20, 2)} ms` },
    { metric: 'scripting per 1k tokens, 2,000-message thread', value: `${fmt(ms2000, 2)} ms` },
    { metric: 'ratio 2,000 / 20 messages', value: `${ratio.toFixed(2)}×`, budget: '≤ 1.2×', pass: ratio <= 1.2 },
  ],
  data: { tokens: TOKENS, rounds: ROUNDS, ms20: times.small, ms2000: times.large },
});
