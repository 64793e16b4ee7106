// Which source file costs how much of the client bundle (core + react + components, minified the way
// an app ships it), from the bundle's source map. `node bench/bundle-attribution.mjs [--json]`.
// Gzip of a file's share alone overstates it (gzip does not add up across pieces); the total line
// is the real figure.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { minifiedBundle, root } from './minified-bundle.mjs';

export async function attribute(code = ['core', 'react', 'components'].map((l) => `export * from '${join(root, 'src', l, 'index.ts')}';`).join('\n')) {
  const [{ code: out, map }] = await minifiedBundle(code, { sourcemap: true });
  const lines = out.split('\n');
  const text = new Map();
  decode(map.mappings).forEach((segs, li) => {
    const line = lines[li] ?? '';
    segs.forEach((s, i) => {
      const end = i + 1 < segs.length ? segs[i + 1][0] : line.length;
      const src = s.length > 1 ? map.sources[s[1]].replace(/^.*?src\//, 'src/') : '(imports and exports)';
      text.set(src, (text.get(src) ?? '') + line.slice(s[0], end));
    });
  });
  const files = [...text].map(([path, t]) => ({ path, minBytes: t.length, gzipAlone: gzipSync(t, { level: 9 }).length })).sort((a, b) => b.minBytes - a.minBytes);
  return { minBytes: out.length, gzipBytes: gzipSync(out, { level: 9 }).length, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await attribute();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    for (const f of r.files) console.log(`${String(f.minBytes).padStart(7)} ${String(f.gzipAlone).padStart(6)}  ${f.path}`);
    console.log(`${String(r.minBytes).padStart(7)} ${String(r.gzipBytes).padStart(6)}  total (min bytes, gzip bytes)`);
  }
}
