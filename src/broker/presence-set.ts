// Who is on a channel: members by (connection, client), with the change each enter, update or
// leave makes, for the memory transport and the local server to hand out.
import { Listeners } from '../core/listeners.js';
import type { Unsubscribe } from '../core/transport.js';

export type PresenceAction = 'enter' | 'update' | 'leave' | 'present';

export interface PresenceEntry {
  /** `<connectionId>:<clientId>` — one member per client per connection. */
  key: string;
  clientId: string;
  connectionId: string;
  data: unknown;
  timestamp: number;
}

export interface PresenceChange {
  action: Exclude<PresenceAction, 'present'>;
  member: PresenceEntry;
}

/**
 * Who is on a channel. A member is a (connection, client) pair, so two tabs of one user are two
 * members and a repeated enter from one tab (a StrictMode double mount) is an update, not a second
 * member.
 */
export class PresenceSet {
  private readonly members = new Map<string, PresenceEntry>();
  private readonly listeners = new Listeners<[PresenceChange]>();

  enter(clientId: string, connectionId: string, data: unknown, now = Date.now()): PresenceChange {
    const key = `${connectionId}:${clientId}`;
    const existed = this.members.has(key);
    const member: PresenceEntry = { key, clientId, connectionId, data, timestamp: now };
    this.members.set(key, member);
    return this.emit({ action: existed ? 'update' : 'enter', member });
  }

  update(clientId: string, connectionId: string, data: unknown, now = Date.now()): PresenceChange {
    return this.enter(clientId, connectionId, data, now);
  }

  leave(clientId: string, connectionId: string, now = Date.now()): PresenceChange | undefined {
    const key = `${connectionId}:${clientId}`;
    const m = this.members.get(key);
    if (!m) return undefined;
    this.members.delete(key);
    return this.emit({ action: 'leave', member: { ...m, timestamp: now } });
  }

  /** Every member a connection entered leaves (the connection closed or timed out). */
  leaveConnection(connectionId: string, now = Date.now()): PresenceChange[] {
    const out: PresenceChange[] = [];
    for (const m of [...this.members.values()]) {
      if (m.connectionId === connectionId) {
        const c = this.leave(m.clientId, m.connectionId, now);
        if (c) out.push(c);
      }
    }
    return out;
  }

  list(): PresenceEntry[] {
    return [...this.members.values()];
  }

  get size(): number {
    return this.members.size;
  }

  subscribe(listener: (c: PresenceChange) => void): Unsubscribe {
    return this.listeners.add(listener);
  }

  private emit(c: PresenceChange): PresenceChange {
    this.listeners.emit(c);
    return c;
  }
}
