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

const LAYERS = ['src/core', 'src/broker', 'src/agent', 'src/transports'];
const sources = LAYERS.flatMap((d) => filesUnder(d, /\.tsx?$/));

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

  it('imports point down only: core depends on nothing of ours outside core', () => {
    const offenders: string[] = [];
    const allowed: Record<string, string[]> = {
      'src/core': ['src/core'],
      'src/broker': ['src/broker', 'src/core'],
      'src/agent': ['src/agent', 'src/core'],
      'src/transports': ['src/transports', 'src/core', 'src/broker'],
    };
    for (const f of sources) {
      const layer = LAYERS.find((l) => f.startsWith(`${l}/`))!;
      for (const s of specifiers(readFileSync(join(root, f), 'utf8'))) {
        if (!s.startsWith('.')) continue;
        const target = relative(root, resolve(root, dirname(f), s));
        if (!allowed[layer].some((l) => target === l || target.startsWith(`${l}/`))) offenders.push(`${f} imports ${s}`);
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
