// Ably capabilities: which operations a key or token grants on which channels, and the 40160 refusal
// when it lacks one.
import { BrokerError } from '../broker/index.js';

/** Ably capability: channel pattern → operations (`publish`, `subscribe`, `presence`, `history`, `message-update-own`, `message-update-any`, or `*`). */
export type Capability = Record<string, string[]>;

export const FULL_CAPABILITY: Capability = { '*': ['*'] };

/** A capability given as an object or its JSON text, checked, with each operation list sorted. */
export function normaliseCapability(c: Capability | string): Capability {
  const parsed: unknown = typeof c === 'string' ? JSON.parse(c) : c;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BrokerError(40000, 400, 'Capability must be a JSON object of channel pattern → operations.');
  }
  const out: Capability = {};
  for (const [res, ops] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Array.isArray(ops) || !ops.every((o) => typeof o === 'string')) {
      throw new BrokerError(40000, 400, `Capability for ${JSON.stringify(res)} must be an array of operation names.`);
    }
    out[res] = [...(ops as string[])].sort();
  }
  return out;
}

/** Whether a capability resource pattern covers a channel name (`*`, `ns:*` prefixes, or exact). */
function resourceMatches(pattern: string, channel: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return channel.startsWith(pattern.slice(0, -1));
  return pattern === channel;
}

/** The operations a capability grants on a channel. */
export function operationsOn(cap: Capability, channel: string): Set<string> {
  const ops = new Set<string>();
  for (const [res, list] of Object.entries(cap)) {
    if (resourceMatches(res, channel)) for (const o of list) ops.add(o);
  }
  return ops;
}

export function can(cap: Capability, channel: string, op: string): boolean {
  const ops = operationsOn(cap, channel);
  return ops.has('*') || ops.has(op);
}

export function capabilityBreach(channel: string, op: string): BrokerError {
  return new BrokerError(
    40160,
    401,
    `Action not permitted: this key or token lacks the "${op}" capability on channel "${channel}". Issue a token whose capability grants it.`,
  );
}

/** The part of `requested` that `granted` allows; throws 40160 when nothing is left. */
export function intersect(requested: Capability, granted: Capability): Capability {
  const out: Capability = {};
  for (const [res, ops] of Object.entries(requested)) {
    const allowed = new Set<string>();
    for (const [gres, gops] of Object.entries(granted)) {
      const covers = gres === '*' || gres === res || (gres.endsWith('*') && res.startsWith(gres.slice(0, -1)));
      if (!covers) continue;
      for (const op of ops) {
        if (gops.includes('*')) allowed.add(op);
        else if (op === '*') for (const g of gops) allowed.add(g);
        else if (gops.includes(op)) allowed.add(op);
      }
    }
    if (allowed.size > 0) out[res] = [...allowed].sort();
  }
  if (Object.keys(out).length === 0) {
    throw new BrokerError(40160, 401, "Requested token capability is not granted by the key; ask only for channels and operations the key's capability allows.");
  }
  return out;
}
