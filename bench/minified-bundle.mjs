// Builds an entry the way an app ships the kit: one ES bundle, peers external, fully minified.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const root = fileURLToPath(new URL('..', import.meta.url));
const PEERS = ['react', 'react-dom', 'react/jsx-runtime', 'zustand', 'zustand/vanilla', 'ably', 'ably/react'];

/** The output files (and source maps when asked) of bundling `code`, an ES module's text. */
export async function minifiedBundle(code, { sourcemap = false } = {}) {
  // Inside the repo, so bare imports resolve from its node_modules.
  mkdirSync(join(root, 'bench/.tmp'), { recursive: true });
  const dir = mkdtempSync(join(root, 'bench/.tmp/bundle-'));
  try {
    const entry = join(dir, 'entry.js');
    writeFileSync(entry, code);
    await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      build: {
        outDir: join(dir, 'out'),
        minify: true,
        sourcemap,
        lib: { entry, formats: ['es'], fileName: 'bundle' },
        // Library mode keeps whitespace and comments in ES output (so an app's bundler can still
        // tree-shake it); an app's production build strips them, so measure it the way it ships.
        rolldownOptions: { external: (id) => PEERS.some((p) => id === p || id.startsWith(`${p}/`)), output: { minify: true } },
      },
    });
    return readdirSync(join(dir, 'out'))
      .filter((f) => /\.m?js$/.test(f))
      .map((f) => {
        const text = readFileSync(join(dir, 'out', f), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '');
        return sourcemap ? { name: f, code: text, map: JSON.parse(readFileSync(join(dir, 'out', `${f}.map`), 'utf8')) } : { name: f, code: text };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
