// Library build: tsc emits ESM + .d.ts per module (the subpath exports map onto them), then the
// stylesheet is copied beside them. No bundling: apps bundle us, and per-module files tree-shake.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const css = join(root, 'src/components/styles.css');
mkdirSync(join(root, 'dist'), { recursive: true });
if (existsSync(css)) copyFileSync(css, join(root, 'dist/styles.css'));
console.log('built dist/');
