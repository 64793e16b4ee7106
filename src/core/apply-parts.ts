/**
 * Applies a response body's segments to its parts: the one place that says what each record does to
 * a part, used by the reducer for live appends and for aggregated copies alike.
 */
import { DurableSessionError, type ErrorCode } from './errors.js';
import type { ResponsePart, ToolCallPart, ToolCallState } from './parts.js';
import type { BodyOp, BodySegment } from './response-body.js';

export interface PartsResult {
  parts: ResponsePart[];
  /** The response's visible text: its text parts, joined. */
  text: string;
  /** Records that could not apply (unknown call, a change out of order); they changed nothing. */
  errors: DurableSessionError[];
}

/** Each change to a tool call (by its record, or by the state a `tool-state` record sets), and the states it may come in. */
const TOOL_STEPS: Record<string, readonly ToolCallState[]> = {
  'tool-delta': ['input-streaming'],
  'tool-input': ['input-streaming'],
  'awaiting-approval': ['input-available'],
  running: ['input-available', 'awaiting-approval'],
  denied: ['awaiting-approval'],
  'tool-output': ['input-available', 'running'],
  'tool-error': ['input-available', 'running'],
};

type ToolStepOp = Extract<BodyOp, { op: 'tool-delta' | 'tool-input' | 'tool-state' | 'tool-output' | 'tool-error' }>;

/** A tool call after one change (in a state {@link TOOL_STEPS} allows it in). */
function toolStep(p: ToolCallPart, op: ToolStepOp): ToolCallPart {
  switch (op.op) {
    case 'tool-delta':
      return { ...p, inputText: p.inputText + op.d };
    case 'tool-input':
      return { ...p, state: 'input-available', input: op.input, inputText: p.inputText || JSON.stringify(op.input) };
    case 'tool-output':
      return { ...p, state: 'output-available', output: op.output };
    case 'tool-error':
      return { ...p, state: 'output-error', errorText: op.error };
    case 'tool-state': {
      const next: ToolCallPart = { ...p, state: op.state };
      if (op.state === 'awaiting-approval') next.needsApproval = true;
      if (p.state === 'awaiting-approval') {
        next.approval = { approved: op.state === 'running' };
        if (op.by !== undefined) next.approval.by = op.by;
        if (op.reason !== undefined) next.approval.reason = op.reason;
      }
      return next;
    }
  }
}

/**
 * Applies `segments` from offset `from` of the string they were parsed from (earlier bytes were applied
 * already). Returns undefined when `from` falls inside a record: that copy cannot be applied in part.
 */
export function applySegments(parts: readonly ResponsePart[], text: string, segments: readonly BodySegment[], from = 0, serial?: string): PartsResult | undefined {
  const out = parts.slice();
  const errors: DurableSessionError[] = [];
  let t = text;

  for (const seg of segments) {
    if (seg.end <= from) continue;
    if (seg.kind === 'text') {
      const add = seg.start < from ? seg.text.slice(from - seg.start) : seg.text;
      const last = out[out.length - 1];
      if (last?.type === 'text') out[out.length - 1] = { ...last, text: last.text + add };
      else out.push({ type: 'text', id: `text-${out.length}`, text: add });
      t += add;
      continue;
    }
    if (seg.start < from) return undefined;
    applyOp(seg.op);
  }
  // With one text part (the common answer) the visible text IS that part's string: sharing it keeps a
  // long answer in memory once, not twice.
  let only: string | undefined;
  let count = 0;
  for (const p of out) if (p.type === 'text' && count++ === 0) only = p.text;
  return { parts: out, text: count === 1 ? only! : t, errors };

  function applyOp(op: BodyOp): void {
    const i = out.findIndex((p) => p.id === op.id);
    const p: ResponsePart | undefined = out[i];
    const ignore = (code: ErrorCode, why: string): void =>
      void errors.push(new DurableSessionError(code, `A ${op.op} record for part ${JSON.stringify(op.id)} was ignored: ${why}.`, serial ? { serial } : {}));
    switch (op.op) {
      case 'reasoning':
        if (!p) out.push({ type: 'reasoning', id: op.id, text: op.d, state: 'streaming' });
        else if (p.type !== 'reasoning' || p.state !== 'streaming') ignore('malformed_event', 'that part is not reasoning still open');
        else out[i] = { ...p, text: p.text + op.d };
        return;
      case 'reasoning-end':
        if (p?.type !== 'reasoning') return ignore('unknown_target', 'this response has no reasoning by that id');
        out[i] = op.ms === undefined ? { ...p, state: 'done' } : { ...p, state: 'done', durationMs: op.ms };
        return;
      case 'tool':
      case 'source':
      case 'file': {
        if (p) return ignore('malformed_event', 'this response has a part by that id already');
        if (op.op !== 'tool') {
          const { op: type, ...fields } = op;
          return void out.push({ type, ...fields } as ResponsePart);
        }
        const call: ToolCallPart = { type: 'tool-call', id: op.id, toolCallId: op.id, toolName: op.name, state: 'input-streaming', inputText: '' };
        if (op.approval) call.needsApproval = true;
        out.push(call);
        return;
      }
      case 'data': {
        const part = { type: `data-${op.name}` as const, id: op.id, name: op.name, data: op.data };
        if (!p) out.push(part);
        else if (p.type === part.type) out[i] = part;
        else ignore('malformed_event', `that part is a ${p.type}, not ${part.type}`);
        return;
      }
      default: {
        if (p?.type !== 'tool-call') return ignore('unknown_target', 'this response has no tool call by that id');
        const step = op.op === 'tool-state' ? op.state : op.op;
        if (!TOOL_STEPS[step].includes(p.state)) return ignore('malformed_event', `the call is in state ${p.state}, where ${step} is out of order`);
        out[i] = toolStep(p, op);
      }
    }
  }
}
