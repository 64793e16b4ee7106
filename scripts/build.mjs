// Library build: tsc emits ESM + .d.ts per module (the subpath exports map onto them), then the
// stylesheet is copied beside them. No bundling: apps bundle us, and per-module files tree-shake.
// Every target of package.json `exports` and `bin` must exist afterwards, so a subpath added to
// the map but not to the sources (or moved in one and not the other) fails here, not in an app.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const css = join(root, 'src/components/styles.css');
mkdirSync(join(root, 'dist'), { recursive: true });
if (existsSync(css)) copyFileSync(css, join(root, 'dist/styles.css'));

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const targets = (entry) => (typeof entry === 'string' ? [entry] : Object.values(entry).flatMap(targets));
const missing = [...Object.values(pkg.exports).flatMap(targets), ...Object.values(pkg.bin ?? {})].filter((t) => !existsSync(join(root, t)));
if (missing.length > 0) {
  console.error(`package.json points at files the build did not produce: ${missing.join(', ')}`);
  process.exit(1);
}
console.log('built dist/');
