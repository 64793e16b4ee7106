// Fault injection for tests and the chaos harness: cutting sockets the way a network would, holding
// reconnections back, and making the server forget connections — kept out of the realtime code.
import type { Connection } from './connection.js';

/** When {@link ServerFaults.dropConnection} cuts the socket; see `LocalServer.dropConnection`. */
export type DropWhen = 'now' | 'before-next-ack' | 'unresumable';

/** What a fault object may reach on the realtime side. */
export interface FaultTarget {
  /** The connection with this id, while it has a socket. */
  live(connectionId: string): Connection | undefined;
  /** Drops everything the server keeps for a connection, as if its connectionStateTtl had passed. */
  forget(c: Connection): void;
}

/** Faults a server can be made to suffer, and the hooks through which its realtime side suffers them. */
export interface ServerFaults {
  /** Hands the fault object the realtime side it acts on; called once, before any connection. */
  bind(target: FaultTarget): void;
  /** Cuts a connection's socket without a close frame; see `LocalServer.dropConnection`. Returns false if the connection has no socket. */
  dropConnection(connectionId: string, when?: DropWhen, holdUntil?: Promise<unknown>): boolean;
  /** What a reconnection resuming `connectionKey` must wait for before its handshake, if anything. */
  heldResume(connectionKey: string): Promise<void> | undefined;
  /** A resume of `connectionKey` was refused and `successor` replaces it. */
  replaced(connectionKey: string, successor: Connection): void;
  /** Whether `c` must attach `channel` without continuity (the server lost its predecessor's state). */
  attachFresh(c: Connection, channel: string): boolean;
  /** Whether to cut `c`'s socket instead of sending the ACK or NACK it is owed (the client must retry). */
  cutBeforeAck(c: Connection): boolean;
}

/** A fault object that injects nothing until `dropConnection` is called. */
export function createServerFaults(): ServerFaults {
  let target: FaultTarget | undefined;
  const cutNextAck = new WeakSet<Connection>();
  /** Keys of connections cut with 'unresumable': their successor re-attaches every channel afresh. */
  const unresumable = new Set<string>();
  const held = new Map<string, Promise<void>>();
  /** The channels a successor of an unresumable connection has attached so far. */
  const fresh = new WeakMap<Connection, Set<string>>();

  const hold = (key: string, until: Promise<unknown>): void => {
    const settled = until.then(
      () => undefined,
      () => undefined,
    );
    held.set(key, settled);
    void settled.then(() => {
      if (held.get(key) === settled) held.delete(key);
    });
  };

  return {
    bind(t) {
      target = t;
    },
    dropConnection(connectionId, when = 'now', holdUntil) {
      const c = target?.live(connectionId);
      if (!target || !c) return false;
      if (holdUntil) hold(c.key, holdUntil);
      if (when === 'before-next-ack') {
        cutNextAck.add(c);
        return true;
      }
      if (when === 'unresumable') {
        unresumable.add(c.key);
        target.forget(c);
      }
      c.ws?.terminate();
      return true;
    },
    heldResume: (key) => held.get(key),
    replaced(key, successor) {
      if (unresumable.delete(key)) fresh.set(successor, new Set());
    },
    attachFresh(c, channel) {
      const attached = fresh.get(c);
      if (!attached || attached.has(channel)) return false;
      attached.add(channel);
      return true;
    },
    cutBeforeAck: (c) => cutNextAck.delete(c),
  };
}
