// The SessionTransport interface every transport implements (Ably, memory): what the controller
// and agents need of a pub/sub connection, and nothing more.
import type { OutgoingMessage, PresenceData, WireMessage } from './protocol.js';

export type Unsubscribe = () => void;

/** Connection state as the UI shows it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected' | 'resuming' | 'failed' | 'closed';

export interface ConnectionChange {
  status: ConnectionStatus;
  /** Set when the transport reconnected and its channels kept continuity. */
  resumed?: boolean;
  error?: Error;
}

export interface AttachResult {
  /** True when the channel continued from where this client left off (nothing was missed). */
  resumed: boolean;
}

export interface HistoryQuery {
  /** `backwards` (newest first, the default) or `forwards`. */
  direction?: 'backwards' | 'forwards';
  /** Page size. Default 100. */
  limit?: number;
  /** Only messages from before the point this channel attached (Ably's `untilAttach`). */
  untilAttach?: boolean;
}

export interface HistoryPage {
  /** Aggregated messages: one per message serial, carrying the full data so far. */
  items: WireMessage[];
  hasNext(): boolean;
  next(): Promise<HistoryPage | null>;
}

export interface PresenceMember {
  clientId: string;
  connectionId: string;
  data: unknown;
}

/**
 * One session channel as the kit needs it. The Ably and memory transports implement this; hooks and
 * agents never talk to Ably directly.
 */
export interface TransportChannel {
  readonly name: string;
  /** Attach and start delivering messages. Resolves when attached. */
  attach(): Promise<AttachResult>;
  /** Stop delivering messages and release the channel. */
  detach(): Promise<void>;
  /** Every message delivered on the channel, live or replayed after a resume. */
  subscribe(listener: (m: WireMessage) => void): Unsubscribe;
  /**
   * Called when continuity was lost: the channel re-attached without resuming, so messages may have
   * been missed. The listener should backfill from history.
   */
  onDiscontinuity(listener: () => void): Unsubscribe;
  /** Creates a message; resolves with its serial once the channel accepted it. */
  publish(message: OutgoingMessage): Promise<{ serial: string }>;
  /** Appends `data` to the message `serial` and replaces its headers. */
  append(serial: string, data: string, headers: Record<string, string>): Promise<void>;
  /** Aggregated history. */
  history(query?: HistoryQuery): Promise<HistoryPage>;
  presence: {
    enter(data: PresenceData): Promise<void>;
    update(data: PresenceData): Promise<void>;
    leave(): Promise<void>;
    get(): Promise<PresenceMember[]>;
    /** Called with the full member list whenever it changes. */
    subscribe(listener: (members: PresenceMember[]) => void): Unsubscribe;
  };
}

/** One connection of one client. */
export interface SessionTransport {
  readonly clientId: string;
  /** Current connection status. */
  readonly status: ConnectionStatus;
  onStatus(listener: (change: ConnectionChange) => void): Unsubscribe;
  /** The channel for a session. Repeated calls with one name return the same channel. */
  channel(sessionId: string): TransportChannel;
  /** Closes the connection; presence is left, channels detach. */
  close(): Promise<void>;
}
