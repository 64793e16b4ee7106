// The channel params an ATTACH may carry. `rewind`, by message count or by time, is honoured and
// `agent` (the SDK's attribution) accepted; any other is refused in Ably's error shape, naming it.
import { BrokerError, type ChannelLog } from '../broker/index.js';

/** Most messages a rewind replays, as on Ably. */
export const MAX_REWIND = 100;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** What a frame's params ask for, checked. */
export interface ChannelParams {
  /** The params as sent, which ATTACHED echoes. */
  raw: Record<string, string>;
  rewind?: { count: number } | { sinceMs: number };
}

/** Reads an ATTACH frame's params; throws 40002 for a param the server does not support and 40003 for a bad value. */
export function parseChannelParams(params: unknown): ChannelParams {
  if (params === undefined || params === null) return { raw: {} };
  if (typeof params !== 'object' || Array.isArray(params)) throw new BrokerError(40003, 400, 'Channel params must be an object of strings.');
  const raw: Record<string, string> = {};
  const out: ChannelParams = { raw };
  for (const [name, value] of Object.entries(params)) {
    raw[name] = String(value);
    // ably/react and other wrappers name themselves in `agent`; like Ably, it changes nothing delivered.
    if (name === 'agent') continue;
    if (name !== 'rewind') {
      throw new BrokerError(40002, 400, `Channel param "${name}" is not supported by the local server; remove params.${name} from the channel options (rewind and agent are supported).`);
    }
    out.rewind = parseRewind(raw[name]);
  }
  return out;
}

function parseRewind(value: string): ChannelParams['rewind'] {
  const count = /^\d+$/.exec(value);
  if (count) return { count: Math.min(Number(value), MAX_REWIND) };
  const time = /^(\d+)(s|m|h)$/.exec(value);
  if (time) return { sinceMs: Number(time[1]) * UNIT_MS[time[2]] };
  throw new BrokerError(40003, 400, `Invalid rewind "${value}": set params.rewind to a message count ("10") or a time such as "30s", "2m" or "1h".`);
}

/** How many of the newest messages a rewind replays on `log` right now (at most {@link MAX_REWIND}). */
export function rewindCount(log: ChannelLog, rewind: NonNullable<ChannelParams['rewind']>, now = Date.now()): number {
  if ('count' in rewind) return rewind.count;
  // Serials start with their creation time, so a time bound is a serial bound.
  const since = `${String(Math.max(0, now - rewind.sinceMs)).padStart(14, '0')}-000`;
  return log.history({ sinceSerial: since, direction: 'backwards', limit: MAX_REWIND }).items.length;
}
