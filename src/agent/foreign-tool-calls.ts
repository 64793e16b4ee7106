// Tool calls that another protocol (a UI message stream, AG-UI) names by its own ids, kept per turn so
// later events — and a stream after an approval — find the session's tool call again.
import { DurableSessionError } from '../core/errors.js';
import type { ApprovalDecision } from '../core/parts.js';
import { id as validId } from '../core/validate.js';
import type { Turn } from './agent-types.js';
import type { ToolCall } from './tool-call.js';

/** An approval a foreign stream asked for, and the session's decision once it comes. */
export interface ForeignApproval {
  approvalId: string;
  toolCallId: string;
  decision: Promise<ApprovalDecision>;
  handedOut: boolean;
  /** The AI SDK's flag for a tool its provider runs, echoed back with the decision. */
  providerExecuted?: boolean;
}

const tables = new WeakMap<Turn, Map<string, ForeignToolCalls>>();

export class ForeignToolCalls {
  private readonly calls = new Map<string, ToolCall>();
  readonly approvals: ForeignApproval[] = [];

  private constructor(
    private readonly turn: Turn,
    private readonly protocol: string,
  ) {}

  /** The table of `protocol`'s calls in this turn. */
  static of(turn: Turn, protocol: string): ForeignToolCalls {
    let byProtocol = tables.get(turn);
    if (!byProtocol) tables.set(turn, (byProtocol = new Map()));
    let t = byProtocol.get(protocol);
    if (!t) byProtocol.set(protocol, (t = new ForeignToolCalls(turn, protocol)));
    return t;
  }

  /**
   * Starts a tool call. A foreign id outside the session's id characters (`call_abc`), or one a
   * provider reuses for a new call in a later step, gets a fresh session id; the foreign id keeps
   * finding the call through this table.
   */
  open(foreignId: string, toolName: string): ToolCall {
    let ok = true;
    try {
      validId(foreignId, 'toolCallId');
    } catch {
      ok = false;
    }
    let call: ToolCall;
    try {
      call = this.turn.toolCall(ok ? { toolName, toolCallId: foreignId } : { toolName });
    } catch (e) {
      if (!(e instanceof DurableSessionError) || e.code !== 'invalid_argument') throw e;
      call = this.turn.toolCall({ toolName });
    }
    this.calls.set(foreignId, call);
    return call;
  }

  get(foreignId: string): ToolCall | undefined {
    return this.calls.get(foreignId);
  }

  /** The call, or a `malformed_event` naming the event that referred to a call never started. */
  need(foreignId: string, event: string): ToolCall {
    const call = this.calls.get(foreignId);
    if (!call) throw new DurableSessionError('malformed_event', `${this.protocol}: ${event} names tool call ${JSON.stringify(foreignId)}, which was never started in this turn.`);
    return call;
  }

  /** Asks the session to decide on `call`; the decision is kept for whoever continues the stream. */
  askApproval(call: ToolCall, approvalId: string, providerExecuted = false): void {
    if (this.approvals.some((a) => a.toolCallId === call.toolCallId)) return;
    const decision = call.approval();
    // Rejects on cancel; whoever awaits the decisions sees that, nobody else needs to.
    decision.catch(() => {});
    const a: ForeignApproval = { approvalId, toolCallId: call.toolCallId, decision, handedOut: false };
    if (providerExecuted) a.providerExecuted = true;
    this.approvals.push(a);
  }
}
