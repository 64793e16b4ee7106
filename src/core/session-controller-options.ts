/**
 * The options of a session controller, and the result every control call resolves with.
 */
import type { Attachment } from './parts.js';
import type { DurableSessionError } from './errors.js';
import type { FrameScheduler } from './frame-scheduler.js';
import type { PresenceData } from './protocol.js';
import type { SessionTransport } from './transport.js';

export interface SessionControllerOptions {
  /**
   * The connection to publish and subscribe through, or a factory called on first `start()` (so
   * rendering on a server opens nothing). A transport made by a factory is closed on `stop()`.
   */
  transport: SessionTransport | (() => SessionTransport);
  /** The session (channel) name. */
  sessionId: string;
  /** Presence data for this tab. Default `{ kind: 'user' }` with a random `tabId`. */
  presence?: Partial<PresenceData>;
  /** Whether to enter presence. Default true. */
  enterPresence?: boolean;
  /**
   * When to apply incoming events to the store. Default: once per animation frame in a browser, so a
   * burst of tokens costs one render.
   */
  scheduler?: FrameScheduler;
  /** Most messages a backfill (after a discontinuity or gap) reads from history. Default 2000. */
  maxHistory?: number;
  /**
   * Messages per history page (at most 1000). The thread opens on the newest page; `loadOlder()` reads
   * one more page per call. Default 100.
   */
  historyPageSize?: number;
  /**
   * Whether this tab switches to a new branch (an edit, a regenerated answer) made in any tab.
   * Default true; false keeps the branches this tab shows until its reader picks another.
   */
  followBranches?: boolean;
  /** Whether `edit()` may edit another participant's message. Default false. */
  allowEditingOthers?: boolean;
  /**
   * Where this tab keeps its branch picks across a reload: any `Storage`-like object. Default the
   * browser's `sessionStorage` (per tab) when there is one; `null` keeps them in memory only.
   */
  viewStorage?: ViewStorage | null;
  /** Longest text `send` and `steer` accept. Default `Limits.maxInputChars` (16000). */
  maxInputChars?: number;
  /** Clock for timestamps. Default `Date.now`. */
  now?: () => number;
  /**
   * Which publishers may speak for an agent (responses, steer acknowledgements, agent status), by
   * their authenticated clientId. With token auth the service vouches for clientIds, so e.g.
   * `(id) => id.startsWith('agent-')` stops a browser from forging an answer where the service
   * does not restrict event names (the local server does). Default: every publisher.
   */
  trustAgent?: (clientId: string | undefined) => boolean;
  /**
   * How long a streaming response's agent instance may be missing from presence before this tab shows
   * the response `interrupted`. The service first has to notice the connection is gone (Ably and the
   * local server: about 15 s after a silent death, at once after a clean close). Default 3000.
   */
  agentGoneMs?: number;
}

/** The options a running controller takes without being recreated (see {@link SessionController.setOptions}). */
export type SessionControllerUpdate = Partial<Pick<SessionControllerOptions, 'trustAgent' | 'maxInputChars' | 'maxHistory' | 'agentGoneMs'>>;

export type ControlResult = { ok: true; id: string } | { ok: false; error: DurableSessionError };


/** The part of the Web Storage API a controller uses to keep a tab's branch picks. */
export interface ViewStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What `send` may carry besides the text. */
export interface SendOptions {
  /** Files by URL (at most `Limits.maxAttachments`); the kit stores no blobs. */
  attachments?: Attachment[];
  /** App data for the agent (JSON, at most `Limits.maxMetadataChars` serialised). */
  metadata?: Record<string, unknown>;
}
