#!/usr/bin/env node
import { parseDevOptions } from './cli-options.js';
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
  const parsed = parseDevOptions(rest, process.env);
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const { options } = parsed;
  const host = options.host;
  const dataDir = options.dataDir;
  const server = await createServer(options);
  const shown = host === '0.0.0.0' ? `http://localhost:${server.port}` : server.url;
  process.stdout.write(
    `durable-sessions local server\n  url:  ${shown}\n  ws:   ${shown.replace(/^http/, 'ws')}\n  key:  ${server.keys[0]}\n` +
      (dataDir ? `  data: ${dataDir}\n` : '  data: in memory (pass --data-dir DIR to persist)\n'),
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
