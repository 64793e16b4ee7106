#!/usr/bin/env node
/**
 * Entry point of `npm run chaos` and `npm run soak`; both run through vitest (which compiles the
 * TypeScript sources) with their settings in the environment.
 *
 *   npm run chaos -- --runs 500 --seed 7 [--concurrency 8]
 *   npm run soak -- [--minutes 30] [--seed 1]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [mode, ...rest] = process.argv.slice(2);
const opts = {};
for (let i = 0; i < rest.length; i++) {
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(rest[i]);
  if (!m) {
    console.error(`Unknown argument ${rest[i]}; use --name value.`);
    process.exit(2);
  }
  opts[m[1]] = m[2] ?? rest[++i];
}
const number = (name, fallback) => {
  const v = opts[name] ?? fallback;
  if (!/^\d+$/.test(String(v))) {
    console.error(`--${name} must be a whole number, got ${JSON.stringify(v)}.`);
    process.exit(2);
  }
  return String(v);
};
const env = { ...process.env };
let file;
if (mode === 'chaos') {
  env.CHAOS_RUNS = number('runs', 500);
  env.CHAOS_SEED = number('seed', Date.now() % 100000);
  env.CHAOS_CONCURRENCY = number('concurrency', 8);
  file = 'test/chaos/chaos.test.ts';
} else if (mode === 'soak') {
  env.SOAK_MINUTES = number('minutes', 30);
  env.SOAK_SEED = number('seed', 1);
  file = 'test/chaos/soak.run.ts';
} else {
  console.error('Usage: node test/chaos/run.mjs chaos|soak [--runs N] [--seed S] [--minutes M]');
  process.exit(2);
}
const config = fileURLToPath(new URL('./vitest.chaos.config.ts', import.meta.url));
const r = spawnSync('npx', ['vitest', 'run', '--config', config, file], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
