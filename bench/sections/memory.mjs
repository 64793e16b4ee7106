// 6. Memory. Heap the client store retains after one response of N tokens streamed through the
// local server to a real ably client: the heap with the controller alive minus the heap once it is
// stopped and dropped (the server, the agent and the SDK stay in both, so only the store's share is
// left). Budget ≤ 3× the text's bytes. Mount/unmount cycles are measured in Chromium (render.mjs),
// where jsdom's own caches do not blur the figure.
import { setImmediate as tick } from 'node:timers/promises';
import { lib, localServer, quick, report, until } from '../lib.mjs';

const TOKENS = quick ? 20_000 : 100_000;
const WORDS = ['durable', ' sessions', ' keep', ' every', ' token', ' safe', ' while', ' tabs', ' reload', ' and'];

function heap() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

async function storeRetention() {
  const { createSessionController } = await lib('core/index.js');
  const { createAblyTransport } = await lib('transports/ably.js');
  const { createAgent, allowAnyControl } = await lib('agent/index.js');
  const srv = await localServer();
  try {
    const sessionId = 'bench-memory';
    let written = '';
    const agent = createAgent({
      transport: createAblyTransport({ client: srv.client({ clientId: 'agent' }) }),
      sessionId,
      agentId: 'bench',
      authorizeControl: allowAnyControl,
      handler: async (turn) => {
        for (let i = 0; i < TOKENS; i++) {
          turn.write(WORDS[i % WORDS.length]);
          if (i % 200 === 199) await tick();
        }
        written = turn.text;
      },
    });
    await agent.start();
    const transport = createAblyTransport({ client: srv.client({ clientId: 'user' }) });
    let ctrl = createSessionController({ transport, sessionId, enterPresence: false });
    await ctrl.start();
    const before = heap();
    await ctrl.send('stream');
    const done = () => {
      const s = ctrl.store.getState();
      return s.order.some((k) => s.entries[k]?.kind === 'response' && s.entries[k].status === 'complete');
    };
    await until(done, 'the response to complete', 120_000);
    // Read in a function, so no local of this scope keeps the state (or its text) alive.
    const { textBytes, exact } = ((st) => {
      const text = st.order.map((k) => st.entries[k]).find((e) => e?.kind === 'response').text;
      return { textBytes: Buffer.byteLength(text), exact: text === written };
    })(ctrl.store.getState());
    const withStore = heap();
    await ctrl.stop();
    ctrl = null;
    await tick();
    const without = heap();
    await agent.stop();
    return { tokens: TOKENS, textBytes, exact, retained: withStore - without, grewDuringStream: withStore - before };
  } finally {
    await srv.close();
  }
}

const a = await storeRetention();
const ratio = a.retained / a.textBytes;
report({
  section: '6. Memory',
  rows: [
    {
      metric: `store retained after ${a.tokens.toLocaleString('en-US')} tokens (${(a.textBytes / 1024).toFixed(0)} KB text)`,
      value: `${(a.retained / 1024).toFixed(0)} KB = ${ratio.toFixed(2)}× text`,
      budget: '≤ 3× text bytes',
      pass: ratio <= 3 && a.exact,
      ...(a.exact ? {} : { note: 'store text differs from what the agent wrote' }),
    },
    { metric: 'heap growth while streaming (store + server log + agent, same process)', value: `${(a.grewDuringStream / 1024).toFixed(0)} KB` },
  ],
  data: { store: a },
});
