/**
 * The soak's server process: the local server on 127.0.0.1, reporting its own memory, sockets and
 * handles as one JSON line per second on stdout, so the soak measures the server and nothing else.
 * Bundled and started by soak.run.ts.
 */
import { createServer } from '../../src/server/index.js';

const server = await createServer({
  port: 0,
  keys: [process.env.SOAK_KEY!],
  maxIdleInterval: Number(process.env.SOAK_IDLE_MS ?? 400),
  presenceGraceMs: 300,
  // Sessions are reused from a pool: bounded retention is what keeps a long-lived server's memory flat.
  retention: { maxMessages: 200, maxEvents: 4000 },
});
const report = () => {
  const m = process.memoryUsage();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
  process.stdout.write(
    `${JSON.stringify({ port: server.port, rss: m.rss, heapUsed: m.heapUsed, external: m.external, connections: server.connectionIds().length, channels: server.broker.channelNames().length, handles })}\n`,
  );
};
report();
const timer = setInterval(() => {
  if (process.env.SOAK_GC === '1') (globalThis as { gc?: () => void }).gc?.();
  report();
}, 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  void server.close().then(() => process.exit(0));
});
