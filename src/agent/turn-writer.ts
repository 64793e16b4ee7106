/**
 * Writes one response into the session: the empty create, then batched appends that each say the
 * offset they start at, in order, ending with the final status. What a handler's `turn` is. Every
 * part (text, reasoning, tool calls, sources, files, data) goes into the same batches.
 */
import { build } from '../core/build-event.js';
import { DurableSessionError, toSessionError } from '../core/errors.js';
import type { ApprovalDecision, ResponsePart } from '../core/parts.js';
import { Limits, type ResponseStatus } from '../core/protocol.js';
import { bodyText, encodeOp, type BodyOp } from '../core/response-body.js';
import type { TransportChannel } from '../core/transport.js';
import type { FileInput, SourceInput, ToolCallInput, Turn } from './agent-types.js';
import { SteerQueue, type Steer } from './steer-queue.js';
import { partsOf } from './parts-of.js';
import { ToolCallHandle, type ToolCall } from './tool-call.js';
import { TurnDecisions } from './turn-decisions.js';

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
  /** This agent process's instance id, named by every append for liveness. */
  instance: string;
}

export class TurnWriter implements Turn {
  readonly signal: AbortSignal;
  readonly steers: SteerQueue;
  readonly sessionId: string;
  readonly agentId: string;
  readonly turnId: string;
  readonly responseId: string;
  readonly input: Turn['input'];
  resumed?: { text: string; parts: ResponsePart[] };
  reason: Turn['reason'] = 'message';
  private readonly instance: string;
  readonly transcript: Turn['transcript'];
  readonly controller: AbortController;
  readonly steersApplied: string[] = [];
  text = '';
  /** The whole body published (text and part records): what clients aggregate. */
  body = '';
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
  private partCount = 0;
  private held: Extract<BodyOp, { op: 'reasoning' | 'tool-delta' }> | null = null;
  private reasoningOpen: { id: string; since: number } | null = null;
  private readonly tools = new Map<string, ToolCallHandle>();
  /** Calls taken over from an earlier instance that the handler has not picked up yet. */
  private readonly adopted = new Map<string, ToolCallHandle>();
  /** Decisions taken per tool call, and who waits for one. */
  private readonly decisions = new TurnDecisions(this);

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
    this.instance = o.instance;
    this.steers = new SteerQueue((s) => {
      this.steersApplied.push(s.steerId);
      o.onSteerTaken(s, this);
    });
  }

  /** Publishes the response's create, with `status` (`cancelled` when stop came before the turn began). */
  open(status: ResponseStatus): Promise<string> {
    if (!this.serial) {
      const { responseId, agentId, turnId } = this;
      this.serial = this.ch.publish(build.responseCreate({ responseId, agentId, turnId, status, instance: this.instance })).then((r) => r.serial);
      this.serial.catch((e: unknown) => this.onError(toSessionError(e, `Agent ${agentId} could not create its response`)));
    }
    return this.serial;
  }

  /**
   * Takes over a response another instance began: later appends continue its message at `body`'s end,
   * and its tool calls (one may wait for approval) are this turn's again.
   */
  adopt(serial: string, body: string): void {
    this.serial = Promise.resolve(serial);
    this.body = body;
    this.sent = body.length;
    const parts = partsOf(body);
    let text = '';
    for (const p of parts) {
      if (p.type === 'text') text += p.text;
      if (p.type === 'tool-call') {
        const h = ToolCallHandle.adopt(this, p);
        this.tools.set(p.toolCallId, h);
        this.adopted.set(p.toolCallId, h);
      }
      if (p.type === 'tool-call' && p.approval) this.decisions.adopt(p.toolCallId, p.approval);
    }
    this.partCount = parts.length;
    this.text = text;
    this.resumed = { text, parts };
  }

  write(text: string): void {
    if (this.ended || typeof text !== 'string' || text.length === 0) return;
    this.closeReasoning();
    const t = bodyText(text);
    this.text += t;
    this.push(t);
  }

  /** Streams reasoning; it closes (with how long it took) when text or another part follows. */
  reasoning(text: string): void {
    if (this.ended || typeof text !== 'string' || text.length === 0) return;
    if (!this.reasoningOpen) this.reasoningOpen = { id: this.nextId('reasoning'), since: Date.now() };
    this.emit({ op: 'reasoning', id: this.reasoningOpen.id, d: text });
  }

  toolCall(p: ToolCallInput): ToolCall {
    if (this.ended) throw new DurableSessionError('invalid_state', `Turn ${this.turnId} already ended; no tool call can start.`);
    const id = p.toolCallId ?? this.nextId('call');
    // A call the instance before this one started (see `resumed`) is carried on, not started again.
    const adopted = this.adopted.get(id);
    if (adopted) {
      this.adopted.delete(id);
      return adopted;
    }
    if (this.tools.has(id)) throw new DurableSessionError('invalid_argument', `Tool call id ${JSON.stringify(id)} is already used in this turn.`);
    this.closeReasoning();
    const call = new ToolCallHandle(this, id, p.toolName, p.needsApproval === true);
    this.tools.set(id, call);
    if (p.input !== undefined) call.input(p.input);
    return call;
  }

  source(p: SourceInput): string {
    const id = p.id ?? this.nextId('source');
    const { id: _id, ...fields } = p;
    this.emit({ op: 'source', id, ...fields });
    return id;
  }

  file(p: FileInput): string {
    const id = p.id ?? this.nextId('file');
    const { id: _id, ...fields } = p;
    this.emit({ op: 'file', id, ...fields });
    return id;
  }

  data(name: string, value: unknown, id?: string): string {
    const pid = id ?? this.nextId(`data-${name}`);
    this.emit({ op: 'data', id: pid, name, data: value === undefined ? null : value });
    return pid;
  }

  approval(toolCallId: string): Promise<ApprovalDecision> {
    const call = this.tools.get(toolCallId);
    if (!call) return Promise.reject(new DurableSessionError('unknown_target', `Turn ${this.turnId} has no tool call ${JSON.stringify(toolCallId)}.`));
    return call.approval();
  }

  needsApproval(toolCallId: string): boolean | undefined {
    return this.tools.get(toolCallId)?.needsApproval;
  }

  /** A decision from the session for one of this turn's tool calls; returns why it was not taken, if not. */
  decide(d: { toolCallId: string; approved: boolean; clientId?: string; reason?: string }): DurableSessionError | undefined {
    return this.decisions.decide(d);
  }

  awaitDecision(toolCallId: string): Promise<ApprovalDecision> {
    return this.decisions.wait(toolCallId);
  }

  /** Writes one part record into the batch. Throws `oversize` for a record clients would refuse. */
  emit(op: BodyOp): void {
    if (this.ended) return;
    const rec = encodeOp(op);
    if (rec.length - 2 > Limits.maxPartChars) {
      throw new DurableSessionError('oversize', `The ${op.op} record for part ${op.id} is ${rec.length - 2} characters; the limit is ${Limits.maxPartChars}. Send large content as a file by URL.`);
    }
    if (op.op !== 'reasoning' && op.op !== 'reasoning-end') this.closeReasoning();
    if (op.op === 'reasoning' || op.op === 'tool-delta') this.hold(op);
    else this.push(rec);
  }

  private closeReasoning(): void {
    const r = this.reasoningOpen;
    if (!r) return;
    this.reasoningOpen = null;
    this.push(encodeOp({ op: 'reasoning-end', id: r.id, ms: Date.now() - r.since }));
  }

  private nextId(kind: string): string {
    return `${kind}-${++this.partCount}`;
  }

  private push(raw: string): void {
    this.release();
    this.buffer += raw;
    this.body += raw;
    this.schedule();
  }

  /**
   * Holds a reasoning or tool-input delta so that the next delta of the same part in this batch joins
   * it: one record per part per batch, not one per token.
   */
  private hold(op: Extract<BodyOp, { op: 'reasoning' | 'tool-delta' }>): void {
    const h = this.held;
    if (h && h.op === op.op && h.id === op.id && h.d.length + op.d.length <= Limits.maxPartChars / 2) h.d += op.d;
    else {
      this.release();
      this.held = { ...op };
    }
    this.schedule();
  }

  private release(): void {
    const h = this.held;
    if (!h) return;
    this.held = null;
    const rec = encodeOp(h);
    this.buffer += rec;
    this.body += rec;
  }

  private schedule(): void {
    if (this.buffer.length + (this.held?.d.length ?? 0) >= this.batch.maxChars) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.batch.intervalMs);
  }

  end(status?: FinalStatus, error?: string): Promise<void> {
    if (this.ended) return this.chain;
    this.closeReasoning();
    this.ended = true;
    this.finalStatus = status ?? (this.signal.aborted ? 'cancelled' : 'complete');
    return this.flush(this.finalStatus, error);
  }

  /** Another instance claimed this response: write nothing more, and stop the handler. */
  yieldTo(instance: string): void {
    this.ended = true;
    this.buffer = '';
    this.held = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.controller.abort(new DurableSessionError('invalid_state', `Instance ${instance} took this turn over.`));
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
    this.release();
    const data = this.buffer;
    this.buffer = '';
    if (data.length === 0 && status === 'streaming') return this.chain;
    const p: Parameters<typeof build.responseHeaders>[0] = { responseId: this.responseId, agentId: this.agentId, turnId: this.turnId, status, offset: this.sent, instance: this.instance };
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
