// Builds the bench page (production React with the profiling build, so Profiler timings and the
// devtools hook work as in a real app), serves it on 127.0.0.1 and opens it in Chromium.
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { root } from './lib.mjs';

const out = join(root, 'bench/.tmp/page-dist');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export async function buildPage() {
  await build({
    configFile: false,
    logLevel: 'silent',
    root: join(root, 'bench/page'),
    plugins: [react()],
    resolve: { alias: [{ find: /^react-dom\/client$/, replacement: 'react-dom/profiling' }] },
    build: { outDir: out, emptyOutDir: true, minify: false, sourcemap: false },
  });
}

export function serve() {
  const server = createServer((req, res) => {
    const path = join(out, new URL(req.url ?? '/', 'http://x').pathname.replace(/\/$/, '/index.html'));
    if (!path.startsWith(out) || !existsSync(path)) {
      res.statusCode = 404;
      return res.end();
    }
    res.setHeader('content-type', TYPES[extname(path)] ?? 'application/octet-stream');
    res.end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() })));
}

export async function launch() {
  const { chromium } = await import('playwright');
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const args = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  try {
    return await chromium.launch({ ...(executablePath ? { executablePath } : {}), args });
  } catch (e) {
    throw new Error(`No Chromium found (set CHROMIUM_PATH, install /usr/bin/chromium, or run \`npx playwright install chromium\`): ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  }
}

/**
 * Bytes of the page's heap held by objects, strings, closures and DOM nodes, after garbage
 * collection — everything but V8's compiled code and its own bookkeeping (`system / …`), which grow
 * as functions are optimised and re-optimised and would read as a leak that is none.
 */
export async function objectHeapBytes(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  let json = '';
  const onChunk = (e) => (json += e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(json);
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  let bytes = 0;
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    if (types[snap.nodes[i + typeAt]] === 'code' || snap.strings[snap.nodes[i + nameAt]].startsWith('system / ')) continue;
    bytes += snap.nodes[i + sizeAt];
  }
  return bytes;
}
