// `npm run bench [-- --quick] [-- --only=render,server]`: every benchmark in one run, each section in
// its own Node process (a fresh heap, and one failing section does not hide the others). Prints a
// table and writes bench/results.json (`--print` shows the last saved results again). Exits non-zero only when a budget that compares ratios or
// counts is missed (or a section could not run) — never on absolute times.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, machine, quick, root } from './lib.mjs';

const SECTIONS = [
  ['render', 'render.mjs'],
  ['latency', 'latency.mjs'],
  ['resume', 'resume.mjs'],
  ['cancel', 'cancel.mjs'],
  ['hydration', 'hydration.mjs'],
  ['memory', 'memory.mjs'],
  ['bundle', 'bundle.mjs'],
  ['server', 'server.mjs'],
  ['thread', 'thread.mjs'],
  ['failover', 'failover.mjs'],
  ['paging', 'paging.mjs'],
];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const selected = SECTIONS.filter(([name]) => !only || only.includes(name));

function runSection(name, file) {
  return new Promise((resolve) => {
    const args = ['--expose-gc', '--max-old-space-size=2048', join(root, 'bench/sections', file), ...(quick ? ['--quick'] : [])];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const limit = setTimeout(() => child.kill('SIGKILL'), (quick ? 120 : 600) * 1000);
    child.on('exit', (code) => {
      clearTimeout(limit);
      const line = out.split('\n').find((l) => l.startsWith('@@bench-result '));
      if (line) return resolve([JSON.parse(line.slice('@@bench-result '.length))].flat());
      const why = (err.trim().split('\n').slice(-4).join(' | ') || `exit code ${code}`).slice(0, 400);
      resolve([{ section: name, error: why, rows: [{ metric: 'section failed', value: 'n/a', note: why, pass: false }] }]);
    });
  });
}

/** Prints the table: one heading line per section, then its rows. */
function print(results, m, quickRun) {
  const rows = results.flatMap((r) => r.rows.map((row) => [row.metric, String(row.value), row.budget ?? '', row.pass === undefined ? '' : row.pass ? 'pass' : 'MISS']));
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 6));
  const line = (row) => `  ${row.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join(' │ ')}`.trimEnd();
  process.stdout.write(`\n${line(['metric', 'value', 'budget', ''])}\n`);
  for (const r of results) {
    process.stdout.write(`${r.section}\n`);
    for (const row of r.rows.map((x) => [x.metric, String(x.value), x.budget ?? '', x.pass === undefined ? '' : x.pass ? 'pass' : 'MISS'])) process.stdout.write(`${line(row)}\n`);
  }
  const notes = results.flatMap((r) => r.rows.filter((row) => row.note).map((row) => `  ${r.section} · ${row.metric}: ${row.note}`));
  if (notes.length) process.stdout.write(`\nnotes:\n${notes.join('\n')}\n`);
  process.stdout.write(`\nmachine: ${m.nproc} × ${m.cpu} · node ${m.node} · ${m.platform}${quickRun ? ' · --quick' : ''}\n`);
}

if (process.argv.includes('--print')) {
  const { readFileSync } = await import('node:fs');
  const saved = JSON.parse(readFileSync(join(root, quick ? 'bench/results.quick.json' : 'bench/results.json'), 'utf8'));
  process.stdout.write(`durable-sessions bench results of ${saved.date}\n`);
  print(saved.sections, saved.machine, saved.quick);
  process.exit(0);
}

const started = new Date();
process.stdout.write(`durable-sessions bench${quick ? ' (--quick)' : ''} · ${started.toISOString()}\n`);
ensureBuilt();
const results = [];
for (const [name, file] of selected) {
  const t0 = Date.now();
  process.stdout.write(`  running ${name}…`);
  const parts = await runSection(name, file);
  const seconds = (Date.now() - t0) / 1000;
  process.stdout.write(` ${seconds.toFixed(1)} s${parts.some((p) => p.error) ? ' (failed)' : ''}\n`);
  for (const p of parts) results.push({ ...p, seconds });
}

const m = machine();
print(results, m, quick);

const missed = results.flatMap((r) => r.rows.filter((row) => row.pass === false).map((row) => `${r.section}: ${row.metric}`));
// A partial run (--only) must not overwrite the full results.
const file = join(root, only ? 'bench/results.local.json' : quick ? 'bench/results.quick.json' : 'bench/results.json');
writeFileSync(file, `${JSON.stringify({ date: started.toISOString(), quick, machine: m, sections: results }, null, 2)}\n`);
process.stdout.write(`wrote ${file.slice(root.length + 1)}\n`);
if (missed.length) {
  process.stdout.write(`\nbudgets missed:\n${missed.map((x) => `  ${x}`).join('\n')}\n`);
  process.exitCode = 1;
}
