/**
 * The `durable-sessions dev` command line and environment, read into server options — or into the
 * one-line error the CLI prints before exiting 2.
 */
import { parseArgs } from 'node:util';
import type { createServer } from './create-server.js';

export type DevServerOptions = NonNullable<Parameters<typeof createServer>[0]>;

/** An integer setting from the environment: undefined when unset, an error when not a whole number ≥ min. */
function envInteger(env: Record<string, string | undefined>, name: string, min: number): number | undefined | { error: string } {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= min) return n;
  return { error: `${name} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}` };
}

export function parseDevOptions(args: string[], env: Record<string, string | undefined>): { options: DevServerOptions } | { error: string } {
  const rest = [...args];
  // `--host` alone means every interface; `--host ADDR` a specific one.
  const hostIndex = rest.indexOf('--host');
  let host: string | undefined;
  if (hostIndex >= 0) {
    const next = rest[hostIndex + 1];
    host = next !== undefined && !next.startsWith('--') ? next : '0.0.0.0';
    rest.splice(hostIndex, next === host ? 2 : 1);
  }
  let values: { port?: string; 'data-dir'?: string; key?: string[] };
  try {
    values = parseArgs({
      args: rest,
      options: {
        port: { type: 'string', default: '8787' },
        'data-dir': { type: 'string' },
        key: { type: 'string', multiple: true },
      },
    }).values;
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: `--port must be a number from 0 to 65535, got ${values.port}` };
  const options: DevServerOptions = { port };
  if (host !== undefined) options.host = host;
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir'];
  if (values.key && values.key.length > 0) options.keys = values.key;
  // Tests that kill agents need a dead connection noticed in a second, not Ably's 15.
  const grace = envInteger(env, 'DS_PRESENCE_GRACE_MS', 0);
  if (typeof grace === 'object') return grace;
  if (grace !== undefined) options.presenceGraceMs = grace;
  // Long sessions (10,000 turns are 20,000 messages) need more history than the default.
  const maxMessages = envInteger(env, 'DS_MAX_MESSAGES', 1);
  if (typeof maxMessages === 'object') return maxMessages;
  if (maxMessages !== undefined) options.retention = { maxMessages };
  return { options };
}
