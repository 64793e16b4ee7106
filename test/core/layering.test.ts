import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, pattern));
    else if (pattern.test(e.name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file names: static and dynamic imports, re-exports, side-effect imports, require. */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (s: string) => s.startsWith('node:') || builtins.has(s) || builtins.has(s.split('/')[0]);
const isReact = (s: string) => /^(react|react-dom)(\/|$)/.test(s) || s.startsWith('@testing-library/');

/** Below React and Node: these run in any JavaScript runtime. */
const LAYERS = ['src/core', 'src/broker', 'src/agent', 'src/transports', 'src/ai-sdk'];
const sources = LAYERS.flatMap((d) => filesUnder(d, /\.tsx?$/));
const ALL_LAYERS = [...LAYERS, 'src/react', 'src/components', 'src/server'];
const allSources = ALL_LAYERS.flatMap((d) => filesUnder(d, /\.tsx?$/));

/** Which of our layers each layer may import from: arrows point down only (DESIGN.md). */
const ALLOWED: Record<string, string[]> = {
  'src/core': ['src/core'],
  'src/broker': ['src/broker', 'src/core'],
  'src/agent': ['src/agent', 'src/core'],
  'src/transports': ['src/transports', 'src/core', 'src/broker'],
  'src/react': ['src/react', 'src/core'],
  'src/ai-sdk': ['src/ai-sdk', 'src/core'],
  'src/components': ['src/components', 'src/react', 'src/core'],
  'src/server': ['src/server', 'src/broker', 'src/core'],
};

/** Imports of ours that leave what `allowed` lets each file's layer reach; `read` gives a file's source. */
function offendersOf(files: string[], read: (f: string) => string = (f) => readFileSync(join(root, f), 'utf8')): string[] {
  const out: string[] = [];
  for (const f of files) {
    const layer = Object.keys(ALLOWED).find((l) => f.startsWith(`${l}/`))!;
    for (const s of specifiers(read(f))) {
      if (!s.startsWith('.')) continue;
      const target = relative(root, resolve(root, dirname(f), s));
      if (!ALLOWED[layer].some((l) => target === l || target.startsWith(`${l}/`))) out.push(`${f} imports ${s}`);
    }
  }
  return out;
}

describe('layering', () => {
  it('scans a meaningful set of files, and the scanner sees every kind of import', () => {
    expect(sources.length).toBeGreaterThanOrEqual(20);
    for (const d of LAYERS) expect(sources.some((f) => f.startsWith(d))).toBe(true);
    const sample = `import a from 'x1';\nimport type { B } from "x2";\nexport * from './x3.js';\nimport 'x4';\nconst c = await import('x5');\nconst d = require('x6');\n// import e from 'not-me';\n/* import f from 'nor-me'; */`;
    expect(specifiers(sample)).toEqual(expect.arrayContaining(['x1', 'x2', './x3.js', 'x4', 'x5', 'x6']));
    expect(specifiers(sample)).not.toContain('not-me');
    expect(specifiers(sample)).not.toContain('nor-me');
    expect(isNodeBuiltin('node:fs')).toBe(true);
    expect(isNodeBuiltin('fs/promises')).toBe(true);
    expect(isNodeBuiltin('zustand/vanilla')).toBe(false);
    expect(isReact('react/jsx-runtime')).toBe(true);
    expect(isReact('reactive')).toBe(false);
  });

  it('core, broker, agent and transports import neither React nor Node built-ins', () => {
    const offenders: string[] = [];
    for (const f of sources) {
      for (const s of specifiers(readFileSync(join(root, f), 'utf8'))) {
        if (isReact(s) || isNodeBuiltin(s)) offenders.push(`${f} imports ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('core, broker, agent and transports use no Node globals', () => {
    const offenders: string[] = [];
    for (const f of sources) {
      const code = readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const g of ['process.', 'Buffer.', 'Buffer(', '__dirname', '__filename', 'setImmediate(', 'global.']) {
        if (code.includes(g)) offenders.push(`${f} uses ${g}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('imports point down only, for every layer pair', () => {
    expect(allSources.length).toBeGreaterThanOrEqual(60);
    for (const d of ALL_LAYERS) expect(allSources.some((f) => f.startsWith(`${d}/`))).toBe(true);
    expect(offendersOf(allSources)).toEqual([]);
    // The check itself catches a component reaching a transport, react reaching the server, the server reaching react.
    const bad: Record<string, string> = {
      'src/components/x.tsx': "import { createAblyTransport } from '../transports/ably.js';",
      'src/react/x.ts': "export * from '../server/index.js';",
      'src/server/x.ts': "import { useSteer } from '../react/use-steer.js';",
      'src/core/x.ts': "import type { Broker } from '../broker/index.js';",
    };
    expect(offendersOf(Object.keys(bad), (f) => bad[f])).toHaveLength(4);
  });

  it('React is imported only by react and components; Node built-ins only by the server', () => {
    const offenders: string[] = [];
    for (const f of allSources) {
      const reactOk = f.startsWith('src/react/') || f.startsWith('src/components/');
      const nodeOk = f.startsWith('src/server/');
      for (const s of specifiers(readFileSync(join(root, f), 'utf8'))) {
        if (isReact(s) && !reactOk) offenders.push(`${f} imports ${s}`);
        if (isNodeBuiltin(s) && !nodeOk) offenders.push(`${f} imports ${s}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('core, broker and agent tests import no React', () => {
    const tests = ['test/core', 'test/broker', 'test/agent', 'test/helpers'].flatMap((d) => filesUnder(d, /\.tsx?$/));
    expect(tests.length).toBeGreaterThanOrEqual(10);
    const offenders = tests.filter((f) => specifiers(readFileSync(join(root, f), 'utf8')).some(isReact));
    expect(offenders).toEqual([]);
    expect(tests.some((f) => f.endsWith('.tsx'))).toBe(false);
  });
});
