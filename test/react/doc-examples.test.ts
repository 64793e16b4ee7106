// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Code shown to users must be code the type checker saw: every README ts/tsx block, and every
// `@example` of the documented layers, has to appear in a file under examples/ (which tsconfig
// includes), so a doc cannot drift from the API it describes.
const root = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTED = ['src/core', 'src/agent', 'src/transports', 'src/react', 'src/components', 'src/ai-sdk'];

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = join(dir, d.name);
    if (d.isDirectory()) return files(rel, ext);
    return ext.test(d.name) ? [rel] : [];
  });
}

const examples = files('examples', /\.tsx?$/).map((f) => ({ file: f, text: readFileSync(join(root, f), 'utf8') }));

function readmeBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```tsx?\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** The `@example` bodies of one source file, with the comment's ` * ` prefixes removed. */
function tsdocExamples(source: string): string[] {
  const out: string[] = [];
  for (const [comment] of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = comment.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, ''));
    let current: string[] | null = null;
    for (const line of lines) {
      if (line.startsWith('@example')) {
        if (current) out.push(current.join('\n'));
        current = [];
      } else if (line.startsWith('@')) {
        if (current) out.push(current.join('\n'));
        current = null;
      } else if (current) current.push(line);
    }
    if (current) out.push(current.join('\n'));
  }
  return out.map((e) => e.trim()).filter(Boolean);
}

/**
 * Whether every line of `example` appears, in order, within the lines of `text`. An example may be
 * wrapped in a component there (indented, after `return`), but not reworded.
 */
function containsInOrder(text: string, example: string): boolean {
  const lines = text.split('\n');
  let at = 0;
  for (const want of example.split('\n').map((l) => l.trim()).filter(Boolean)) {
    while (at < lines.length && !lines[at].includes(want)) at++;
    if (at === lines.length) return false;
    at++;
  }
  return true;
}

describe('README code blocks', () => {
  const blocks = readmeBlocks();
  it('has some', () => expect(blocks.length).toBeGreaterThan(0));
  it.each(blocks.map((b) => [b.split('\n')[0], b]))('%s … is contained in an examples/ file', (_first, block) => {
    expect(examples.filter((e) => e.text.includes(block)).map((e) => e.file)).not.toEqual([]);
  });
});

describe('TSDoc @examples', () => {
  const all = DOCUMENTED.flatMap((dir) => files(dir, /\.tsx?$/)).flatMap((f) => tsdocExamples(readFileSync(join(root, f), 'utf8')).map((ex) => [f, ex]));
  it('has some', () => expect(all.length).toBeGreaterThan(10));
  it.each(all)('%s: %s is in an examples/ file', (_file, example) => {
    expect(examples.filter((e) => containsInOrder(e.text, example)).map((e) => e.file)).not.toEqual([]);
  });
});
