// Shared helpers for the bench sections: build freshness, percentiles, the local server, timing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const quick = process.argv.includes('--quick');

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ when src/ is newer, so node sections measure the current source. */
export function ensureBuilt() {
  const marker = join(root, 'dist/agent/index.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(join(root, 'src'))) return;
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Imports a built module: `lib('core/index.js')`, `lib('transports/ably.js')`. */
export function lib(path) {
  return import(join(root, 'dist', path));
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1], mean };
}

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function until(pred, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

export function machine() {
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** Starts the local server in this process; returns it with a factory for Node ably clients. */
export async function localServer(opts = {}) {
  const { createServer } = await import(join(root, 'dist/server/index.js'));
  const Ably = await import('ably');
  const server = await createServer({ port: 0, host: '127.0.0.1', ...opts });
  const clients = [];
  return {
    server,
    Ably,
    client(extra = {}) {
      const c = new Ably.Realtime({ ...server.clientOptions(), disconnectedRetryTimeout: 100, suspendedRetryTimeout: 500, logLevel: 0, ...extra });
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await server.close();
    },
  };
}

export function connected(c) {
  if (c.connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const on = (s) => {
      if (s.current === 'connected') {
        c.connection.off(on);
        resolve();
      } else if (s.current === 'failed') {
        c.connection.off(on);
        reject(s.reason);
      }
    };
    c.connection.on(on);
  });
}

/** A section script's result goes to stdout as one marked JSON line the runner picks up. */
export function report(result) {
  process.stdout.write(`\n@@bench-result ${JSON.stringify(result)}\n`);
}

export function fmt(n, digits = 1) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits).replace(/\.0+$/, '');
}

/** The kit's pieces over a local server: ably transports for agents and clients. */
export async function kit() {
  const core = await lib('core/index.js');
  const { createAblyTransport } = await lib('transports/ably.js');
  const agent = await lib('agent/index.js');
  return { ...core, ...agent, createAblyTransport };
}

/** The newest response entry in a session store. */
export function latestResponse(state) {
  for (let i = state.order.length - 1; i >= 0; i--) {
    const key = state.order[i];
    const e = state.live[key] ?? state.entries[key];
    if (e?.kind === 'response') return e;
  }
  return undefined;
}

/** Wraps a transport's channels so history pages and items fetched are counted (passes everything through). */
export function countHistory(transport) {
  const counter = { requests: 0, items: 0, byName: {} };
  const wrap = (page) => {
    counter.requests++;
    counter.items += page.items.length;
    for (const m of page.items) counter.byName[m.name] = (counter.byName[m.name] ?? 0) + 1;
    return { items: page.items, hasNext: () => page.hasNext(), next: async () => { const n = await page.next(); return n && wrap(n); } };
  };
  const channel = transport.channel.bind(transport);
  const wrapped = new WeakSet();
  transport.channel = (id) => {
    const ch = channel(id);
    if (!wrapped.has(ch)) {
      wrapped.add(ch);
      const history = ch.history.bind(ch);
      ch.history = async (q) => wrap(await history(q));
    }
    return ch;
  };
  return counter;
}
