// 8. The local server under load, in its own process (so its CPU time can be read from /proc), driven
// by real ably clients over 127.0.0.1 from this process, once over JSON and once over msgpack (the
// SDK's Node default). Every loop is bounded in time. The clients share the machine's cores with the
// server, so these figures are a floor, not the server's ceiling.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connected, kit, now, quick, report, root, sleep, stats, until } from '../lib.mjs';

const KEY = 'bench.local:bench-secret';
const TICK = 100; // clock ticks per second (Linux USER_HZ)

async function startServer() {
  const child = spawn(process.execPath, [join(root, 'dist/server/cli.js'), 'dev', '--port', '0', '--key', KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  // If this section crashes, the server must not outlive it (and keep the runner waiting on its pipes).
  process.once('exit', () => child.kill('SIGTERM'));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /url:\s+http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
  });
  const cpu = () => {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  };
  return { port, cpu, stop: () => child.kill('SIGTERM') };
}

const k = await kit();
const Ably = await import('ably');
const srv = await startServer();
const clients = [];
/** A client in `format`: msgpack is the SDK's default in Node, JSON has to be asked for. */
const client = (clientId, format) => {
  const codec = format === 'json' ? { useBinaryProtocol: false } : {};
  const c = new Ably.Realtime({ key: KEY, endpoint: '127.0.0.1', port: srv.port, tls: false, ...codec, clientId, logLevel: 0 });
  clients.push(c);
  return c;
};
const transport = (id, format) => k.createAblyTransport({ client: client(id, format) });
const closeClients = async () => {
  for (const c of clients.splice(0)) c.close();
  await sleep(200);
};
const headers = (i, status = 'streaming', offset = 0) => k.build.responseHeaders({ responseId: `r${i}`, agentId: 'bench', turnId: `t${i}`, status, offset });
// Each append says where it starts (the server applies a repeated one only once), so track lengths.
const lengths = new Map();
const appendAt = (channel, data) => {
  const at = lengths.get(channel) ?? 0;
  lengths.set(channel, at + data.length);
  return at;
};

/** One writer appending to `channels` sessions at `perSecond` each for `ms`; subscribers stamp arrivals. */
async function fanout({ sessions, subscribersPerSession, subscriberConnections, perSecond, ms, label, format }) {
  const names = Array.from({ length: sessions }, (_, i) => `bench-${format}-${label}-${i}`);
  const subs = Array.from({ length: subscriberConnections }, (_, i) => transport(`sub-${label}-${i}`, format));
  const latencies = [];
  const sentAt = new Map();
  let delivered = 0;
  // Spread subscriptions: each session gets `subscribersPerSession` distinct connections.
  await Promise.all(
    names.flatMap((name, si) =>
      Array.from({ length: subscribersPerSession }, async (_, j) => {
        const ch = subs[(si + j) % subs.length].channel(name);
        ch.subscribe((m) => {
          if (m.action !== 'message.append') return;
          const t = sentAt.get(`${name}|${m.data}`);
          if (t !== undefined) latencies.push(now() - t);
          delivered++;
        });
        await ch.attach();
      }),
    ),
  );
  const writers = Array.from({ length: Math.max(1, Math.ceil(sessions / 100)) }, (_, i) => transport(`writer-${label}-${i}`, format));
  const chans = names.map((n, i) => writers[i % writers.length].channel(n));
  await Promise.all(chans.map((c) => c.attach()));
  const serials = await Promise.all(chans.map((c, i) => c.publish({ name: 'agent.response', data: '', headers: headers(i) }).then((r) => r.serial)));
  const cpu0 = srv.cpu();
  const t0 = now();
  let appends = 0;
  let seq = 0;
  const pending = [];
  while (now() - t0 < ms) {
    const tickStart = now();
    const s = seq++;
    for (let i = 0; i < chans.length; i++) {
      const data = ` ${s}`;
      sentAt.set(`${names[i]}|${data}`, now());
      pending.push(chans[i].append(serials[i], data, headers(i, 'streaming', appendAt(names[i], data))).then(() => appends++));
    }
    await sleep(Math.max(0, 1000 / perSecond - (now() - tickStart)));
  }
  await Promise.all(pending);
  const expected = seq * sessions * subscribersPerSession;
  await until(() => delivered >= expected, 'deliveries', 20_000).catch(() => undefined);
  const elapsed = (now() - t0) / 1000;
  const cpu = srv.cpu() - cpu0;
  return { sessions, subscribersPerSession, appends, delivered, expected, elapsed, serverCpuS: cpu, appendsPerS: appends / elapsed, latency: stats(latencies) };
}

/** Appends as fast as the server acknowledges, `window` in flight per session: appends per server-CPU second. */
async function saturate({ sessions, window, ms, format }) {
  const w = transport('sat-writer', format);
  const chans = Array.from({ length: sessions }, (_, i) => w.channel(`bench-${format}-sat-${i}`));
  await Promise.all(chans.map((c) => c.attach()));
  const serials = await Promise.all(chans.map((c, i) => c.publish({ name: 'agent.response', data: '', headers: headers(i) }).then((r) => r.serial)));
  const cpu0 = srv.cpu();
  const t0 = now();
  let acked = 0;
  await Promise.all(
    chans.flatMap((c, i) =>
      Array.from({ length: window }, async () => {
        while (now() - t0 < ms) {
          await c.append(serials[i], ' token', headers(i, 'streaming', appendAt(c.name, ' token')));
          acked++;
        }
      }),
    ),
  );
  const elapsed = (now() - t0) / 1000;
  const cpu = srv.cpu() - cpu0;
  return { acked, elapsed, serverCpuS: cpu, perS: acked / elapsed, perCoreS: acked / cpu };
}

/** The three loads in one format; its clients are closed before the next format starts. */
async function loads(format) {
  await connected(client('probe', format));
  const one = await fanout({ format, label: 'fan', sessions: 1, subscribersPerSession: quick ? 50 : 200, subscriberConnections: quick ? 50 : 200, perSecond: 50, ms: quick ? 2000 : 4000 });
  const many = await fanout({ format, label: 'many', sessions: quick ? 200 : 1000, subscribersPerSession: 1, subscriberConnections: 10, perSecond: 4, ms: quick ? 2000 : 5000 });
  const sat = await saturate({ format, sessions: 20, window: 10, ms: quick ? 2000 : 4000 });
  await closeClients();
  return { one, many, sat };
}

const lat = (l) => `p50 ${l.p50.toFixed(1)} · p99 ${l.p99.toFixed(1)} ms`;
const rows = (name, { one, many, sat }) => [
  { metric: `${name}: 1 stream → ${one.subscribersPerSession} subscribers, 50 appends/s: delivery`, value: `${lat(one.latency)} (${one.delivered}/${one.expected} delivered)`, ...(one.delivered < one.expected ? { pass: false, budget: 'all delivered' } : {}) },
  {
    metric: `${name}: ${many.sessions} concurrent sessions × 4 appends/s: appends/s · delivery`,
    value: `${many.appendsPerS.toFixed(0)}/s · ${lat(many.latency)} · server CPU ${((many.serverCpuS / many.elapsed) * 100).toFixed(0)}%`,
    ...(many.delivered < many.expected ? { pass: false, budget: 'all delivered' } : {}),
  },
  { metric: `${name}: saturated appends (20 sessions × 10 in flight): acked/s · per server-CPU core`, value: `${sat.perS.toFixed(0)}/s · ${sat.perCoreS.toFixed(0)}/s per core` },
];

try {
  const json = await loads('json');
  const msgpack = await loads('msgpack');
  report({
    section: '8. Server (separate process, ably clients on 127.0.0.1, JSON and msgpack)',
    rows: [...rows('JSON', json), ...rows('msgpack', msgpack)],
    data: { json, msgpack },
  });
} finally {
  await closeClients();
  srv.stop();
}
