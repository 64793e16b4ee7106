// Turns successive states of one response, as the session store holds them, into the AI SDK's
// UIMessageChunk stream: each call emits only what changed since the last, so nothing repeats.
import type { UIMessageChunk, UIMessagePart, UIDataTypes, UITools } from 'ai';
import type { ResponsePart, ToolCallState } from '../core/parts.js';
import type { ResponseEntry } from '../core/session-state.js';

type UIPart = UIMessagePart<UIDataTypes, UITools>;

/** What the receiving chat already holds of one part of the response. */
interface Slot {
  kind: ResponsePart['type'];
  /** The id of the text or reasoning part open in the receiver (a grown closed part opens a new one). */
  uiId: string;
  len: number;
  open: boolean;
  tool?: ToolCallState;
  inputLen?: number;
  data?: unknown;
  pieces?: number;
}

const TOOL_RANK: Record<ToolCallState, number> = {
  'input-streaming': 0,
  'input-available': 1,
  'awaiting-approval': 2,
  running: 3,
  'output-available': 4,
  'output-error': 4,
  denied: 4,
};

/** How a chunk stream for a response ends, after its last part. */
export type StreamEnd = 'complete' | 'cancelled' | 'error' | 'interrupted' | 'approval';

/**
 * The diff of one response against what a `useChat` already holds. Start with an empty receiver
 * (`new ResponseChunker(id)`) or with one holding a message already (`ResponseChunker.holding`).
 */
export class ResponseChunker {
  private slots: Slot[] = [];
  private started: boolean;

  constructor(
    readonly messageId: string,
    started = false,
  ) {
    this.started = started;
  }

  /** A receiver that holds `parts` of this response already (a message `useChat` kept, e.g. across a reload). */
  static holding(messageId: string, parts: readonly UIPart[]): ResponseChunker {
    const c = new ResponseChunker(messageId, true);
    const held = parts.filter((p) => p.type !== 'step-start');
    c.slots = held.map((p, i): Slot => {
      if (p.type === 'text' || p.type === 'reasoning') return { kind: p.type, uiId: `held-${i}`, len: p.text.length, open: false };
      if (p.type === 'dynamic-tool' || p.type.startsWith('tool-')) {
        const t = p as { state: string; rawInput?: unknown };
        const tool: ToolCallState =
          t.state === 'input-streaming' ? 'input-streaming' : t.state === 'input-available' ? 'input-available' : t.state === 'output-available' ? 'output-available' : t.state === 'output-error' ? 'output-error' : t.state === 'output-denied' ? 'denied' : 'awaiting-approval';
        return { kind: 'tool-call', uiId: '', len: 0, open: false, tool, inputLen: typeof t.rawInput === 'string' ? t.rawInput.length : 0 };
      }
      if (p.type.startsWith('data-')) return { kind: p.type as `data-${string}`, uiId: '', len: 0, open: false, data: (p as { data: unknown }).data };
      return { kind: p.type === 'file' ? 'file' : 'source', uiId: '', len: 0, open: false };
    });
    return c;
  }

  /** Chunks that bring the receiver up to `entry`. */
  update(entry: ResponseEntry): UIMessageChunk[] {
    const out: UIMessageChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: 'start', messageId: this.messageId });
    }
    const parts = entry.parts;
    for (let i = 0; i < parts.length; i++) this.part(i, parts[i], out);
    // A text or reasoning part is finished once anything follows it.
    for (let i = 0; i < parts.length - 1; i++) this.close(i, out);
    return out;
  }

  /** Closes what is open and says how the stream ends. */
  end(how: StreamEnd, error?: string): UIMessageChunk[] {
    const out: UIMessageChunk[] = [];
    for (let i = 0; i < this.slots.length; i++) this.close(i, out);
    if (how === 'complete') out.push({ type: 'finish', finishReason: 'stop' });
    else if (how === 'approval') out.push({ type: 'finish', finishReason: 'tool-calls' });
    else if (how === 'cancelled') out.push({ type: 'abort', reason: 'cancelled' });
    else out.push({ type: 'error', errorText: error ?? (how === 'interrupted' ? 'The agent stopped answering (interrupted); retry the message.' : 'The agent failed.') });
    return out;
  }

  private close(i: number, out: UIMessageChunk[]): void {
    const s = this.slots[i];
    if (!s?.open) return;
    s.open = false;
    out.push(s.kind === 'text' ? { type: 'text-end', id: s.uiId } : { type: 'reasoning-end', id: s.uiId });
  }

  private part(i: number, p: ResponsePart, out: UIMessageChunk[]): void {
    let s = this.slots[i];
    if (p.type === 'text' || p.type === 'reasoning') {
      const kind = p.type;
      if (!s) s = this.slots[i] = { kind, uiId: p.id, len: 0, open: false, pieces: 0 };
      if (p.text.length > s.len || (s.len === 0 && !s.open && s.pieces === 0)) {
        if (!s.open) {
          // A part the receiver closed (or holds from before) cannot grow; the rest becomes a new part.
          s.pieces = (s.pieces ?? 0) + 1;
          if (s.pieces > 1 || s.uiId.startsWith('held-')) s.uiId = `${p.id}-${s.pieces}`;
          s.open = true;
          out.push({ type: kind === 'text' ? 'text-start' : 'reasoning-start', id: s.uiId });
        }
        const delta = p.text.slice(s.len);
        if (delta) out.push(kind === 'text' ? { type: 'text-delta', id: s.uiId, delta } : { type: 'reasoning-delta', id: s.uiId, delta });
        s.len = p.text.length;
      }
      if (p.type === 'reasoning' && p.state === 'done') this.close(i, out);
      return;
    }
    if (p.type === 'tool-call') {
      if (!s) {
        s = this.slots[i] = { kind: 'tool-call', uiId: '', len: 0, open: false, tool: 'input-streaming', inputLen: 0 };
        out.push({ type: 'tool-input-start', toolCallId: p.toolCallId, toolName: p.toolName });
      }
      const at = s.tool ?? 'input-streaming';
      if (at === 'input-streaming' && p.inputText.length > (s.inputLen ?? 0)) {
        out.push({ type: 'tool-input-delta', toolCallId: p.toolCallId, inputTextDelta: p.inputText.slice(s.inputLen ?? 0) });
        s.inputLen = p.inputText.length;
      }
      if (p.state === at || TOOL_RANK[p.state] < TOOL_RANK[at]) return;
      if (at === 'input-streaming') out.push({ type: 'tool-input-available', toolCallId: p.toolCallId, toolName: p.toolName, input: p.input });
      if (p.state === 'awaiting-approval') out.push({ type: 'tool-approval-request', approvalId: p.toolCallId, toolCallId: p.toolCallId });
      else if (p.state === 'output-available') out.push({ type: 'tool-output-available', toolCallId: p.toolCallId, output: p.output });
      else if (p.state === 'output-error') out.push({ type: 'tool-output-error', toolCallId: p.toolCallId, errorText: p.errorText ?? 'The tool failed.' });
      else if (p.state === 'denied') out.push({ type: 'tool-output-denied', toolCallId: p.toolCallId });
      s.tool = p.state;
      return;
    }
    if (p.type === 'source' || p.type === 'file') {
      if (s) return;
      this.slots[i] = { kind: p.type, uiId: '', len: 0, open: false };
      if (p.type === 'file') out.push({ type: 'file', url: p.url, mediaType: p.mediaType });
      else if (p.url !== undefined) out.push(p.title === undefined ? { type: 'source-url', sourceId: p.id, url: p.url } : { type: 'source-url', sourceId: p.id, url: p.url, title: p.title });
      else out.push({ type: 'source-document', sourceId: p.id, mediaType: 'application/octet-stream', title: p.title ?? p.documentId ?? p.id, filename: p.documentId ?? p.id });
      return;
    }
    if (s && s.data === p.data) return;
    this.slots[i] = { kind: p.type, uiId: '', len: 0, open: false, data: p.data };
    out.push({ type: p.type, id: p.id, data: p.data } as UIMessageChunk);
  }
}

/** How a response stream stops now, or undefined while it should go on. */
export function streamEnd(entry: ResponseEntry): StreamEnd | undefined {
  if (entry.status === 'streaming') {
    // useChat sends approval decisions as a new request, so its stream has to end while one waits.
    return entry.parts.some((p) => p.type === 'tool-call' && p.state === 'awaiting-approval') ? 'approval' : undefined;
  }
  return entry.status;
}
