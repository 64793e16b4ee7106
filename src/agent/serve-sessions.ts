// Serves every session clients announce on a lobby channel from one process: each announced session
// gets its own agents, which publish straight into it.
import { toSessionError, type DurableSessionError } from '../core/errors.js';
import type { SessionTransport, Unsubscribe } from '../core/transport.js';
import type { Agent } from './create-agent.js';

/** The event a client publishes on the lobby channel to ask agents to join a session. */
export const SESSION_OPEN = 'session.open';

export interface ServeSessionsOptions {
  transport: SessionTransport;
  /** Channel where clients announce sessions. Default `lobby`. */
  lobby?: string;
  /** Creates the agent(s) for a newly announced session. Called once per session. */
  createAgents: (sessionId: string) => Agent[];
  /** Which session ids to serve. Default: ids matching /^[A-Za-z0-9:._-]{1,128}$/. */
  accept?: (sessionId: string) => boolean;
  /** Most sessions served at once; the oldest is stopped beyond this. Default 1000. */
  maxSessions?: number;
  onError?: (e: DurableSessionError) => void;
}

export interface SessionHost {
  /** Sessions being served. */
  readonly sessions: ReadonlyMap<string, Agent[]>;
  /** Serves one session now (as if it had been announced). */
  serve(sessionId: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves every session that clients announce on a lobby channel: one process, many sessions. Each
 * agent still publishes straight into its session; the lobby only carries "session X is open".
 */
export async function serveSessions(opts: ServeSessionsOptions): Promise<SessionHost> {
  const lobby = opts.transport.channel(opts.lobby ?? 'lobby');
  const accept = opts.accept ?? ((id: string) => /^[A-Za-z0-9:._-]{1,128}$/.test(id));
  const max = opts.maxSessions ?? 1000;
  const sessions = new Map<string, Agent[]>();
  const starting = new Map<string, Promise<void>>();
  const report = (e: unknown, what: string) => opts.onError?.(toSessionError(e, what));

  const serve = (sessionId: string): Promise<void> => {
    if (!accept(sessionId)) return Promise.resolve();
    const existing = starting.get(sessionId);
    if (existing) return existing;
    const agents = opts.createAgents(sessionId);
    sessions.set(sessionId, agents);
    const p = Promise.all(agents.map((a) => a.start())).then(
      () => undefined,
      (e: unknown) => report(e, `Agents for ${sessionId} failed to start`),
    );
    starting.set(sessionId, p);
    if (sessions.size > max) {
      const oldest = sessions.keys().next().value as string;
      const victims = sessions.get(oldest) ?? [];
      sessions.delete(oldest);
      starting.delete(oldest);
      for (const a of victims) void a.stop();
    }
    return p;
  };

  const unsub: Unsubscribe = lobby.subscribe((m) => {
    if (m.name !== SESSION_OPEN) return;
    const d = m.data as { sessionId?: unknown } | null;
    if (d && typeof d.sessionId === 'string') void serve(d.sessionId);
  });
  await lobby.attach();

  return {
    sessions,
    serve,
    async stop() {
      unsub();
      await Promise.all([...sessions.values()].flat().map((a) => a.stop()));
      sessions.clear();
      starting.clear();
      await lobby.detach();
    },
  };
}
