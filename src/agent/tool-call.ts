/**
 * One tool call as the agent drives it: stream its input, ask a person when it needs approval, then
 * give its output or error. Every step is a record in the turn's response, so every tab follows it.
 */
import { DurableSessionError } from '../core/errors.js';
import type { ApprovalDecision, ToolCallPart, ToolCallState } from '../core/parts.js';
import type { BodyOp } from '../core/response-body.js';

/** What a tool call handle needs from its turn. */
export interface ToolCallHost {
  readonly signal: AbortSignal;
  readonly ended: boolean;
  emit(op: BodyOp): void;
  /** Resolves with the decision the agent obeyed first for this call. */
  awaitDecision(toolCallId: string): Promise<ApprovalDecision>;
}

/** A tool call in a turn, from `turn.toolCall(...)`. */
export interface ToolCall {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly state: ToolCallState;
  readonly needsApproval: boolean;
  /** Streams a piece of the input's JSON text (as an LLM produces it). */
  inputDelta(jsonText: string): void;
  /**
   * Fixes the final input: `value`, or the streamed JSON text parsed. Throws `invalid_argument` when
   * the streamed text is not valid JSON; returns the input.
   */
  input(value?: unknown): unknown;
  /**
   * Asks the session for approval (state `awaiting-approval` in every tab) and waits for the first
   * decision the agent obeys. Rejects when the turn is cancelled meanwhile.
   */
  approval(): Promise<ApprovalDecision>;
  /** Marks the tool as running (implied by `output`). */
  running(): void;
  output(value: unknown): void;
  error(message: string): void;
}

export class ToolCallHandle implements ToolCall {
  state: ToolCallState = 'input-streaming';
  private inputText = '';
  private finalInput: unknown;

  constructor(
    private readonly host: ToolCallHost,
    readonly toolCallId: string,
    readonly toolName: string,
    public needsApproval: boolean,
    announce = true,
  ) {
    if (announce) host.emit(needsApproval ? { op: 'tool', id: toolCallId, name: toolName, approval: true } : { op: 'tool', id: toolCallId, name: toolName });
  }

  /** A call an earlier instance started, as the session holds it now. */
  static adopt(host: ToolCallHost, part: ToolCallPart): ToolCallHandle {
    const h = new ToolCallHandle(host, part.toolCallId, part.toolName, part.needsApproval === true, false);
    h.state = part.state;
    h.inputText = part.inputText;
    h.finalInput = part.input;
    return h;
  }

  private expect(states: readonly ToolCallState[], what: string): void {
    if (!states.includes(this.state)) {
      throw new DurableSessionError('invalid_state', `Tool call ${this.toolCallId} (${this.toolName}) cannot ${what} in state ${this.state}.`);
    }
  }

  inputDelta(jsonText: string): void {
    this.expect(['input-streaming'], 'stream input');
    if (jsonText.length === 0 || this.host.ended) return;
    this.inputText += jsonText;
    this.host.emit({ op: 'tool-delta', id: this.toolCallId, d: jsonText });
  }

  input(value?: unknown): unknown {
    if (this.state !== 'input-streaming') return this.finalInput;
    let v = value;
    if (arguments.length === 0 || value === undefined) {
      try {
        v = this.inputText.length === 0 ? {} : (JSON.parse(this.inputText) as unknown);
      } catch {
        throw new DurableSessionError('invalid_argument', `Tool call ${this.toolCallId} (${this.toolName}): the streamed input is not valid JSON (${JSON.stringify(this.inputText.slice(0, 60))}…). Pass the final input to input(value).`);
      }
    }
    this.finalInput = v;
    this.state = 'input-available';
    this.host.emit({ op: 'tool-input', id: this.toolCallId, input: v });
    return v;
  }

  async approval(): Promise<ApprovalDecision> {
    if (this.state === 'input-streaming') this.input();
    // A call adopted while it waits (or after it was decided) asks nothing again.
    if (this.state !== 'awaiting-approval' && this.state !== 'running' && this.state !== 'denied') {
      this.expect(['input-available'], 'ask for approval');
      // An LLM SDK may decide only after the input is known that a call needs approval (a policy on
      // the input); asking is what makes a call accept decisions, as clients already read it.
      this.needsApproval = true;
      this.state = 'awaiting-approval';
      this.host.emit({ op: 'tool-state', id: this.toolCallId, state: 'awaiting-approval' });
    }
    const decision = await this.host.awaitDecision(this.toolCallId);
    this.state = decision.approved ? 'running' : 'denied';
    return decision;
  }

  running(): void {
    if (this.state === 'input-streaming') this.input();
    if (this.state === 'running') return;
    this.expect(['input-available'], 'start running');
    this.state = 'running';
    this.host.emit({ op: 'tool-state', id: this.toolCallId, state: 'running' });
  }

  output(value: unknown): void {
    if (this.state === 'input-streaming') this.input();
    this.expect(['input-available', 'running'], 'give output');
    this.state = 'output-available';
    this.host.emit({ op: 'tool-output', id: this.toolCallId, output: value === undefined ? null : value });
  }

  error(message: string): void {
    if (this.state === 'input-streaming') this.input();
    this.expect(['input-available', 'running'], 'fail');
    this.state = 'output-error';
    this.host.emit({ op: 'tool-error', id: this.toolCallId, error: String(message).slice(0, 4000) });
  }
}
