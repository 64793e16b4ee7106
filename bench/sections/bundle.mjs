// 7. Bundle size: what an app ships for the kit's client side (core + react + components), peers
// excluded, minified and gzipped, and what each layer adds; useChat and @ably/chat for reference.
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { attribute } from '../bundle-attribution.mjs';
import { report, root } from '../lib.mjs';
import { minifiedBundle } from '../minified-bundle.mjs';
const BUDGET = 20 * 1024;

const entries = {
  'durable-sessions (core+react+components)': `
export * from '${join(root, 'src/core/index.ts')}';
export * from '${join(root, 'src/react/index.ts')}';
export * from '${join(root, 'src/components/index.ts')}';`,
  'durable-sessions react hooks only (core+react)': `
export * from '${join(root, 'src/core/index.ts')}';
export * from '${join(root, 'src/react/index.ts')}';`,
  'durable-sessions core only': `
export * from '${join(root, 'src/core/index.ts')}';`,
  '@ai-sdk/react + ai (useChat + DefaultChatTransport)': `
export { useChat } from '@ai-sdk/react';
export { DefaultChatTransport } from 'ai';`,
  '@ably/chat + @ably/chat/react (everything)': `
export * from '@ably/chat';
export * from '@ably/chat/react';`,
};

async function size(name, code) {
  try {
    const buf = Buffer.concat((await minifiedBundle(code)).map((f) => Buffer.from(f.code)));
    return { name, minBytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
  } catch (e) {
    return { name, error: e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e) };
  }
}

const results = [];
for (const [name, code] of Object.entries(entries)) results.push(await size(name, code));
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const row = (r, metric = r.name) => (r.error ? { metric: `${metric}: gzip`, value: 'n/a', note: r.error } : { metric: `${metric}: min / gzip`, value: `${kb(r.minBytes)} / ${kb(r.gzipBytes)}` });
const [all, hooks, core, ...reference] = results;
// What each layer costs an app that already ships the layers below it: differences between nested
// bundles (gzip does not add up across separate files, so this is the honest per-layer figure).
const layers = [all, hooks, core].some((r) => r.error)
  ? []
  : [
      { name: 'core', minBytes: core.minBytes, gzipBytes: core.gzipBytes },
      { name: 'react hooks (added to core)', minBytes: hooks.minBytes - core.minBytes, gzipBytes: hooks.gzipBytes - core.gzipBytes },
      { name: 'components (added to core+react)', minBytes: all.minBytes - hooks.minBytes, gzipBytes: all.gzipBytes - hooks.gzipBytes },
    ];

// What each feature area costs inside the whole bundle, from its source map: minified bytes per
// file, summed per area; the gzip figure shares the real gzip total out by each area's gzip-alone
// size (an estimate: gzip does not add up across pieces).
const AREAS = [
  ['protocol and validation', /core\/(protocol|parse-event|validate|errors|build-event|parts|ids)\.ts$/],
  ['store and reducer', /core\/(session-state|response-selectors|reduce-session|reduce-thread|apply-parts|response-body|control-target|action-queue|frame-scheduler|listeners)\.ts$/],
  ['thread tree and branch picks', /core\/(thread-tree|view-keeper)\.ts$/],
  ['controller, history, presence', /core\//],
  ['react hooks', /react\//],
  ['rich-part components', /components\/(tool-call|approval-prompt|reasoning|sources|file-attachment|attachment-picker|response-parts|parts-context)\./],
  ['branch and edit components', /components\/(branch-picker|message-editor|response-controls)\./],
  ['chat components', /components\//],
  ['imports and exports', /./],
];
let areas = [];
try {
  const attr = await attribute();
  const sum = new Map(AREAS.map(([name]) => [name, { name, minBytes: 0, gzipAlone: 0 }]));
  for (const f of attr.files) {
    const area = sum.get(AREAS.find(([, re]) => re.test(f.path))[0]);
    area.minBytes += f.minBytes;
    area.gzipAlone += f.gzipAlone;
  }
  const alone = [...sum.values()].reduce((n, a) => n + a.gzipAlone, 0);
  areas = [...sum.values()].map((a) => ({ name: a.name, minBytes: a.minBytes, gzipBytes: Math.round((attr.gzipBytes * a.gzipAlone) / alone) }));
} catch (e) {
  areas = [];
  console.error(`bundle areas: ${e instanceof Error ? e.message : e}`);
}

const rows = [
  { ...row(all), ...(all.error ? {} : { budget: '≤ 20 KB gzip', pass: all.gzipBytes <= BUDGET }) },
  ...layers.map((l) => row(l, `  of which ${l.name}`)),
  ...areas.map((a) => row(a, `  area: ${a.name} (gzip share ≈)`)),
  ...reference.map((r) => row(r)),
];
report({ section: '7. Bundle size', rows, data: { bundles: results, layers, areas } });
