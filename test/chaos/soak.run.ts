import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { generateKey } from '../../src/server/index.js';
import { chaosRun, type RunStats } from './chaos-harness.js';
import { zeroCounts, type FaultCounts } from './fault-proxy.js';

/**
 * `npm run soak -- --minutes N`: continuous seeded sessions with network faults against one
 * long-lived server process, checking every transcript like the chaos suite, and printing the
 * server's memory, sockets and handles (and this process's handles) over time.
 */
const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const seed = Number(process.env.SOAK_SEED ?? 1);
const CONCURRENCY = 4;
const POOL = 16;

interface Sample {
  port: number;
  rss: number;
  heapUsed: number;
  external: number;
  connections: number;
  channels: number;
  handles: number;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const handlesHere = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

it(`soak: ${minutes} minutes of sessions with faults against one server`, async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // Inside node_modules so the bundle's external imports (ws) resolve from the project.
  const dir = join(root, 'node_modules/.cache/durable-sessions-soak');
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'soak-server.mjs');
  execFileSync(join(root, 'node_modules/.bin/esbuild'), [join(root, 'test/chaos/soak-server.ts'), '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${bundle}`], {
    cwd: root,
    stdio: 'inherit',
  });
  const key = generateKey('soak');
  const child = spawn(process.execPath, ['--expose-gc', bundle], {
    cwd: root,
    env: { ...process.env, SOAK_KEY: key, SOAK_GC: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const samples: Sample[] = [];
  let latest: Sample | undefined;
  createInterface({ input: child.stdout! }).on('line', (l) => {
    latest = JSON.parse(l) as Sample;
    samples.push(latest);
  });
  for (let i = 0; i < 500 && !latest; i++) await new Promise((r) => setTimeout(r, 20));
  expect(latest).toBeDefined();
  const port = latest!.port;

  const faults: FaultCounts = zeroCounts();
  const failed: RunStats[] = [];
  let runs = 0;
  let chars = 0;
  let cancels = 0;
  let honoured = 0;
  let disconnectCancels = 0;
  let lost = 0;
  let duplicated = 0;
  const started = Date.now();
  const deadline = started + minutes * 60_000;
  const baselineHandles = handlesHere();
  const rows: string[] = [];
  const print = () => {
    const s = latest!;
    const row = `${((Date.now() - started) / 60_000).toFixed(1).padStart(5)} min  runs ${String(runs).padStart(5)}  failed ${failed.length}  server rss ${mb(s.rss)} heap ${mb(s.heapUsed)} ext ${mb(s.external)}  server sockets ${s.connections} handles ${s.handles} channels ${s.channels}  test-process handles ${handlesHere()}`;
    rows.push(row);
    console.log(row);
  };
  const ticker = setInterval(print, Math.min(30_000, Math.max(5_000, minutes * 2_000)));
  let next = 0;
  // Session names are reused (so the server's channel count stays bounded), one run at a time each.
  const free = Array.from({ length: POOL }, (_, i) => `session:soak-${i}`);
  const worker = async () => {
    while (Date.now() < deadline) {
      const n = next++;
      const sessionId = free.shift()!;
      const s = await chaosRun(seed + n, { port, key, sessionId });
      free.push(sessionId);
      runs++;
      chars += s.charsChecked;
      cancels += s.cancelsSent;
      honoured += s.cancelsHonoured;
      disconnectCancels += s.disconnectCancels;
      lost += s.lost;
      duplicated += s.duplicated;
      for (const k of Object.keys(faults) as (keyof FaultCounts)[]) faults[k] += s.faults[k];
      if (s.failures.length > 0) failed.push(s);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    clearInterval(ticker);
  }
  // Everything closed: the server must be back to zero sockets.
  for (let i = 0; i < 200 && latest!.connections !== 0; i++) await new Promise((r) => setTimeout(r, 50));
  print();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });

  const warm = samples[Math.min(samples.length - 1, Math.floor(samples.length / 4))];
  const peak = samples.reduce((a, b) => (b.heapUsed > a.heapUsed ? b : a));
  const last = samples[samples.length - 1];
  console.log(
    [
      `soak: ${minutes} min, ${runs} sessions (${CONCURRENCY} at a time over ${POOL} session names), ${failed.length} failed`,
      `  faults: drop ${faults.drop}, delay ${faults.delay} (${faults.reorder} reordered pairs), heartbeat stall ${faults.stall}`,
      `  characters checked ${chars}; lost ${lost}, duplicated ${duplicated}; cancels honoured ${honoured}/${cancels}; disconnect-cancels ${disconnectCancels}`,
      `  server heap after warm-up ${mb(warm.heapUsed)} (rss ${mb(warm.rss)}), peak ${mb(peak.heapUsed)}, at end ${mb(last.heapUsed)} (rss ${mb(last.rss)})`,
      `  server sockets at end ${last.connections}, server handles warm ${warm.handles} → end ${last.handles}; test-process handles ${baselineHandles} → ${handlesHere()}`,
    ].join('\n'),
  );
  for (const f of failed.slice(0, 5)) console.log(`seed ${f.seed}:\n  ${f.failures.slice(0, 6).join('\n  ')}`);
  expect(failed.map((f) => f.seed)).toEqual([]);
  expect(lost + duplicated + disconnectCancels).toBe(0);
  expect(honoured).toBe(cancels);
  expect(last.connections).toBe(0);
});
