/**
 * Writes one response into the session: the empty create, then batched appends that each say the
 * offset they start at, in order, ending with the final status. What a handler's `turn` is.
 */
import { build } from '../core/build-event.js';
import { toSessionError, type DurableSessionError } from '../core/errors.js';
import type { ResponseStatus } from '../core/protocol.js';
import type { TransportChannel } from '../core/transport.js';
import type { Turn } from './agent-types.js';
import { SteerQueue, type Steer } from './steer-queue.js';

type FinalStatus = Exclude<ResponseStatus, 'streaming'>;

export interface TurnWriterOptions {
  channel: TransportChannel;
  sessionId: string;
  agentId: string;
  turnId: string;
  responseId: string;
  input: Turn['input'];
  transcript: Turn['transcript'];
  /** Aborted by an explicit cancel; the turn's `signal`. */
  controller: AbortController;
  batch: { intervalMs: number; maxChars: number };
  onError: (e: DurableSessionError) => void;
  /** A steer the handler took, to acknowledge as applied. */
  onSteerTaken: (s: Steer, turn: TurnWriter) => void;
}

export class TurnWriter implements Turn {
  readonly signal: AbortSignal;
  readonly steers: SteerQueue;
  readonly sessionId: string;
  readonly agentId: string;
  readonly turnId: string;
  readonly responseId: string;
  readonly input: Turn['input'];
  readonly transcript: Turn['transcript'];
  readonly controller: AbortController;
  readonly steersApplied: string[] = [];
  text = '';
  ended = false;
  finalStatus: FinalStatus = 'complete';
  private readonly ch: TransportChannel;
  private readonly batch: { intervalMs: number; maxChars: number };
  private readonly onError: (e: DurableSessionError) => void;
  private serial: Promise<string> | null = null;
  private buffer = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private sent = 0;

  constructor(o: TurnWriterOptions) {
    this.ch = o.channel;
    this.sessionId = o.sessionId;
    this.agentId = o.agentId;
    this.turnId = o.turnId;
    this.responseId = o.responseId;
    this.input = o.input;
    this.transcript = o.transcript;
    this.controller = o.controller;
    this.signal = o.controller.signal;
    this.batch = o.batch;
    this.onError = o.onError;
    this.steers = new SteerQueue((s) => {
      this.steersApplied.push(s.steerId);
      o.onSteerTaken(s, this);
    });
  }

  /** Publishes the response's create, with `status` (`cancelled` when stop came before the turn began). */
  open(status: ResponseStatus): Promise<string> {
    if (!this.serial) {
      const { responseId, agentId, turnId } = this;
      this.serial = this.ch.publish(build.responseCreate({ responseId, agentId, turnId, status })).then((r) => r.serial);
      this.serial.catch((e: unknown) => this.onError(toSessionError(e, `Agent ${agentId} could not create its response`)));
    }
    return this.serial;
  }

  write(text: string): void {
    if (this.ended || typeof text !== 'string' || text.length === 0) return;
    this.buffer += text;
    this.text += text;
    if (this.buffer.length >= this.batch.maxChars) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.batch.intervalMs);
  }

  end(status?: FinalStatus, error?: string): Promise<void> {
    if (this.ended) return this.chain;
    this.ended = true;
    this.finalStatus = status ?? (this.signal.aborted ? 'cancelled' : 'complete');
    return this.flush(this.finalStatus, error);
  }

  /** Ends before any append: the create already carries the final status. */
  endSilently(status: FinalStatus): void {
    this.ended = true;
    this.finalStatus = status;
  }

  /** Sends what is buffered as one append, after every earlier append. */
  private flush(status: ResponseStatus = 'streaming', error?: string): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const data = this.buffer;
    this.buffer = '';
    if (data.length === 0 && status === 'streaming') return this.chain;
    const p: Parameters<typeof build.responseHeaders>[0] = { responseId: this.responseId, agentId: this.agentId, turnId: this.turnId, status, offset: this.sent };
    if (error !== undefined) p.error = error;
    const headers = build.responseHeaders(p);
    this.sent += data.length;
    const serial = this.open('streaming');
    this.chain = this.chain
      .then(() => serial)
      .then((s) => this.ch.append(s, data, headers))
      .catch((e: unknown) => this.onError(toSessionError(e, `Agent ${this.agentId} failed to append to ${this.responseId}`)));
    return this.chain;
  }
}
