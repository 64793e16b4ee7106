/**
 * The approval decisions of one turn's tool calls: the first decision per call wins, a waiting
 * `approval()` gets it, and it is acknowledged in the response exactly once (by whichever instance).
 */
import { DurableSessionError } from '../core/errors.js';
import type { ApprovalDecision } from '../core/parts.js';
import type { BodyOp } from '../core/response-body.js';

export interface DecisionHost {
  readonly responseId: string;
  readonly signal: AbortSignal;
  readonly ended: boolean;
  /** Whether the turn has this tool call, and whether it needs approval. */
  needsApproval(toolCallId: string): boolean | undefined;
  emit(op: BodyOp): void;
}

export class TurnDecisions {
  private readonly taken = new Map<string, ApprovalDecision>();
  private readonly waiting = new Map<string, (d: ApprovalDecision) => void>();
  /** Decisions already acknowledged in the response (by this or an earlier instance). */
  private readonly acknowledged = new Set<string>();

  constructor(private readonly host: DecisionHost) {}

  /** A decision an earlier instance already acknowledged in the response (a takeover). */
  adopt(toolCallId: string, d: ApprovalDecision): void {
    this.taken.set(toolCallId, d);
    this.acknowledged.add(toolCallId);
  }

  /** Takes a decision from the session; returns why it was not taken, if not. */
  decide(d: { toolCallId: string; approved: boolean; clientId?: string; reason?: string }): DurableSessionError | undefined {
    const needs = this.host.needsApproval(d.toolCallId);
    if (needs === undefined) return new DurableSessionError('unknown_target', `A decision names tool call ${JSON.stringify(d.toolCallId)}, which response ${this.host.responseId} does not have; it was ignored.`);
    if (!needs) return new DurableSessionError('invalid_state', `Tool call ${d.toolCallId} does not need approval; the decision was ignored.`);
    const taken = this.taken.get(d.toolCallId);
    if (taken || this.host.ended) {
      const why = taken ? `already ${taken.approved ? 'approved' : 'denied'}${taken.by ? ` by ${taken.by}` : ''}` : 'its turn ended';
      return new DurableSessionError('invalid_state', `A decision for tool call ${d.toolCallId} came too late: ${why}; it was ignored.`);
    }
    const decision: ApprovalDecision = { approved: d.approved };
    if (d.clientId !== undefined) decision.by = d.clientId;
    if (d.reason !== undefined) decision.reason = d.reason;
    this.taken.set(d.toolCallId, decision);
    const waiter = this.waiting.get(d.toolCallId);
    if (waiter) this.settle(d.toolCallId, decision, waiter);
    return undefined;
  }

  /** Resolves with the call's decision (at once if one came early); rejects when the turn is cancelled. */
  wait(toolCallId: string): Promise<ApprovalDecision> {
    const { signal } = this.host;
    return new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as unknown);
      const onAbort = () => {
        this.waiting.delete(toolCallId);
        reject(signal.reason as unknown);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (d: ApprovalDecision) => {
        signal.removeEventListener('abort', onAbort);
        resolve(d);
      };
      const early = this.taken.get(toolCallId);
      if (early) this.settle(toolCallId, early, done);
      else this.waiting.set(toolCallId, done);
    });
  }

  private settle(toolCallId: string, d: ApprovalDecision, resolve: (d: ApprovalDecision) => void): void {
    this.waiting.delete(toolCallId);
    if (this.acknowledged.has(toolCallId)) return resolve(d);
    this.acknowledged.add(toolCallId);
    const op: BodyOp = { op: 'tool-state', id: toolCallId, state: d.approved ? 'running' : 'denied' };
    if (d.by !== undefined) op.by = d.by;
    if (d.reason !== undefined) op.reason = d.reason;
    this.host.emit(op);
    resolve(d);
  }
}
