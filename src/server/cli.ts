#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createServer } from './create-server.js';

const USAGE = `Usage: durable-sessions dev [--port 8787] [--data-dir DIR] [--host [ADDR]] [--key appId.keyId:secret]

Starts the local Ably-protocol server. Point the ably SDK at it with
  { key, endpoint: 'localhost', port, tls: false }   (or authUrl instead of key)
and nothing else: it speaks the SDK's defaults in Node and in browsers — realtime over
WebSocket in msgpack or JSON, REST for history, presence, publishing and tokens.

  --port       TCP port (default 8787; 0 picks a free one)
  --data-dir   keep channel logs in DIR so they survive a restart (default: memory only)
  --host       listen on all interfaces (0.0.0.0) or on ADDR (default 127.0.0.1)
  --key        accept this API key instead of a random one (repeatable)

Environment:
  DS_PRESENCE_GRACE_MS  how long a dropped connection keeps its presence (default 15000, as Ably)
  DS_MAX_MESSAGES       messages each channel keeps for history (default 10000)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'dev') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  // `--host` alone means every interface; `--host ADDR` a specific one.
  const hostIndex = rest.indexOf('--host');
  let host: string | undefined;
  if (hostIndex >= 0) {
    const next = rest[hostIndex + 1];
    host = next !== undefined && !next.startsWith('--') ? next : '0.0.0.0';
    rest.splice(hostIndex, next === host ? 2 : 1);
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string', default: '8787' },
      'data-dir': { type: 'string' },
      key: { type: 'string', multiple: true },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a number from 0 to 65535, got ${values.port}\n`);
    return 2;
  }
  const options: Parameters<typeof createServer>[0] = { port };
  if (host !== undefined) options.host = host;
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.key && values.key.length > 0) options.keys = values.key;
  // Tests that kill agents need a dead connection noticed in a second, not Ably's 15.
  const grace = process.env.DS_PRESENCE_GRACE_MS;
  if (grace) options.presenceGraceMs = Number(grace);
  // Tests of long sessions (10,000 turns are 20,000 messages) need more history than the default.
  const maxMessages = process.env.DS_MAX_MESSAGES;
  if (maxMessages) options.retention = { maxMessages: Number(maxMessages) };
  const server = await createServer(options);
  const shown = host === '0.0.0.0' ? `http://localhost:${server.port}` : server.url;
  process.stdout.write(
    `durable-sessions local server\n  url:  ${shown}\n  ws:   ${shown.replace(/^http/, 'ws')}\n  key:  ${server.keys[0]}\n` +
      (values['data-dir'] ? `  data: ${values['data-dir']}\n` : '  data: in memory (pass --data-dir DIR to persist)\n'),
  );
  const stop = (): void => {
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
