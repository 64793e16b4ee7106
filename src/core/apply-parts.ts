/**
 * Applies a response body's segments to its parts: the one place that says what each record does to
 * a part, used by the reducer for live appends and for aggregated copies alike.
 */
import { DurableSessionError } from './errors.js';
import { isSettledToolState, type ResponsePart, type ToolCallPart } from './parts.js';
import type { BodyOp, BodySegment } from './response-body.js';

export interface PartsResult {
  parts: ResponsePart[];
  /** The response's visible text: its text parts, joined. */
  text: string;
  /** Records that could not apply (unknown call, a change out of order); they changed nothing. */
  errors: DurableSessionError[];
}

/**
 * Applies `segments` from offset `from` of the string they were parsed from (earlier bytes were applied
 * already). Returns undefined when `from` falls inside a record: that copy cannot be applied in part.
 */
export function applySegments(parts: readonly ResponsePart[], text: string, segments: readonly BodySegment[], from = 0, serial?: string): PartsResult | undefined {
  const out = parts.slice();
  const errors: DurableSessionError[] = [];
  let t = text;
  const find = (id: string) => out.findIndex((p) => p.id === id);
  const problem = (code: 'unknown_target' | 'malformed_event', msg: string): void => void errors.push(new DurableSessionError(code, msg, serial ? { serial } : {}));

  const toolOf = (op: { id: string; op: string }): [number, ToolCallPart] | undefined => {
    const i = find(op.id);
    const p = out[i];
    if (i === -1 || p.type !== 'tool-call') {
      problem('unknown_target', `A ${op.op} record names tool call ${JSON.stringify(op.id)}, which this response does not have; it was ignored.`);
      return undefined;
    }
    return [i, p];
  };
  const wrongState = (p: ToolCallPart, op: string): void =>
    problem('malformed_event', `A ${op} record arrived for tool call ${JSON.stringify(p.id)} in state ${p.state}; it was ignored.`);

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
    switch (op.op) {
      case 'reasoning': {
        const i = find(op.id);
        if (i === -1) out.push({ type: 'reasoning', id: op.id, text: op.d, state: 'streaming' });
        else {
          const p = out[i];
          if (p.type !== 'reasoning' || p.state !== 'streaming') problem('malformed_event', `Reasoning ${JSON.stringify(op.id)} is closed or not reasoning; the delta was ignored.`);
          else out[i] = { ...p, text: p.text + op.d };
        }
        return;
      }
      case 'reasoning-end': {
        const i = find(op.id);
        const p = out[i];
        if (i === -1 || p.type !== 'reasoning') problem('unknown_target', `reasoning-end names ${JSON.stringify(op.id)}, which is not reasoning in this response; it was ignored.`);
        else out[i] = op.ms === undefined ? { ...p, state: 'done' } : { ...p, state: 'done', durationMs: op.ms };
        return;
      }
      case 'tool': {
        if (find(op.id) !== -1) return void problem('malformed_event', `Tool call ${JSON.stringify(op.id)} was opened twice; the second was ignored.`);
        const p: ToolCallPart = { type: 'tool-call', id: op.id, toolCallId: op.id, toolName: op.name, state: 'input-streaming', inputText: '' };
        if (op.approval) p.needsApproval = true;
        out.push(p);
        return;
      }
      case 'tool-delta': {
        const hit = toolOf(op);
        if (!hit) return;
        const [i, p] = hit;
        if (p.state !== 'input-streaming') return wrongState(p, op.op);
        out[i] = { ...p, inputText: p.inputText + op.d };
        return;
      }
      case 'tool-input': {
        const hit = toolOf(op);
        if (!hit) return;
        const [i, p] = hit;
        if (p.state !== 'input-streaming') return wrongState(p, op.op);
        out[i] = { ...p, state: 'input-available', input: op.input, inputText: p.inputText || JSON.stringify(op.input) };
        return;
      }
      case 'tool-state': {
        const hit = toolOf(op);
        if (!hit) return;
        const [i, p] = hit;
        const ok =
          op.state === 'awaiting-approval' ? p.state === 'input-available' : op.state === 'running' ? p.state === 'input-available' || p.state === 'awaiting-approval' : p.state === 'awaiting-approval';
        if (!ok) return wrongState(p, `tool-state ${op.state}`);
        const next: ToolCallPart = { ...p, state: op.state };
        if (op.state === 'awaiting-approval') next.needsApproval = true;
        if (p.state === 'awaiting-approval') {
          next.approval = { approved: op.state === 'running' };
          if (op.by !== undefined) next.approval.by = op.by;
          if (op.reason !== undefined) next.approval.reason = op.reason;
        }
        out[i] = next;
        return;
      }
      case 'tool-output':
      case 'tool-error': {
        const hit = toolOf(op);
        if (!hit) return;
        const [i, p] = hit;
        if (isSettledToolState(p.state) || p.state === 'input-streaming' || p.state === 'awaiting-approval') return wrongState(p, op.op);
        out[i] = op.op === 'tool-output' ? { ...p, state: 'output-available', output: op.output } : { ...p, state: 'output-error', errorText: op.error };
        return;
      }
      case 'source':
      case 'file': {
        if (find(op.id) !== -1) return void problem('malformed_event', `Part ${JSON.stringify(op.id)} was written twice; the second was ignored.`);
        const { op: kind, ...fields } = op;
        out.push({ type: kind, ...fields } as ResponsePart);
        return;
      }
      case 'data': {
        const i = find(op.id);
        const part = { type: `data-${op.name}` as const, id: op.id, name: op.name, data: op.data };
        if (i === -1) out.push(part);
        else if (out[i].type === part.type) out[i] = part;
        else problem('malformed_event', `Part ${JSON.stringify(op.id)} is a ${out[i].type}, not data-${op.name}; the update was ignored.`);
        return;
      }
    }
  }
}
