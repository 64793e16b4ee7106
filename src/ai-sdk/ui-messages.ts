// The session's thread as AI SDK UIMessages (what useChat renders), and a user UIMessage back as what
// the session sends. Parts come out as the chunk stream of response-chunks.ts builds them.
import type { FileUIPart, UIMessage, UIMessagePart, UIDataTypes, UITools } from 'ai';
import { DurableSessionError } from '../core/errors.js';
import type { Attachment, ResponsePart } from '../core/parts.js';
import type { SendOptions } from '../core/session-controller-options.js';
import { selectPathEntries } from '../core/thread-tree.js';
import { type ResponseEntry, type SessionState, type UserEntry } from '../core/session-state.js';

type UIPart = UIMessagePart<UIDataTypes, UITools>;

function toolPart(p: Extract<ResponsePart, { type: 'tool-call' }>): UIPart {
  const base = { type: `tool-${p.toolName}` as const, toolCallId: p.toolCallId };
  const approval = p.approval ? { id: p.toolCallId, approved: p.approval.approved, ...(p.approval.reason !== undefined ? { reason: p.approval.reason } : {}) } : undefined;
  switch (p.state) {
    case 'input-streaming':
      return { ...base, state: 'input-streaming', input: undefined, rawInput: p.inputText };
    case 'input-available':
      return { ...base, state: 'input-available', input: p.input };
    case 'awaiting-approval':
      return { ...base, state: 'approval-requested', input: p.input, approval: { id: p.toolCallId } };
    case 'running':
      return approval ? { ...base, state: 'approval-responded', input: p.input, approval } : { ...base, state: 'input-available', input: p.input };
    case 'output-available':
      return { ...base, state: 'output-available', input: p.input, output: p.output };
    case 'output-error':
      return { ...base, state: 'output-error', input: p.input, errorText: p.errorText ?? 'The tool failed.' };
    case 'denied':
      return { ...base, state: 'output-denied', input: p.input, approval: { id: p.toolCallId, approved: false, ...(p.approval?.reason !== undefined ? { reason: p.approval.reason } : {}) } };
  }
}

/** One response's parts as UIMessage parts. */
export function toUIParts(parts: readonly ResponsePart[], streaming = false): UIPart[] {
  return parts.map((p, i): UIPart => {
    const open = streaming && i === parts.length - 1;
    switch (p.type) {
      case 'text':
        return { type: 'text', text: p.text, state: open ? 'streaming' : 'done' };
      case 'reasoning':
        return { type: 'reasoning', id: p.id, text: p.text, state: p.state === 'done' || !open ? 'done' : 'streaming' };
      case 'tool-call':
        return toolPart(p);
      case 'source':
        return p.url !== undefined
          ? { type: 'source-url', sourceId: p.id, url: p.url, ...(p.title !== undefined ? { title: p.title } : {}) }
          : { type: 'source-document', sourceId: p.id, mediaType: 'application/octet-stream', title: p.title ?? p.documentId ?? p.id, filename: p.documentId ?? p.id };
      case 'file':
        return { type: 'file', mediaType: p.mediaType, url: p.url };
      default:
        return { type: p.type, id: p.id, data: p.data } as UIPart;
    }
  });
}

export function responseToUIMessage(r: ResponseEntry): UIMessage {
  return { id: r.responseId, role: 'assistant', parts: toUIParts(r.parts, r.status === 'streaming'), metadata: { agentId: r.agentId, turnId: r.turnId, status: r.status } };
}

export function userToUIMessage(u: UserEntry, id = u.turnId): UIMessage {
  const files: UIPart[] = (u.attachments ?? []).map((a) => ({ type: 'file', mediaType: a.mediaType, url: a.url, ...(a.name !== undefined ? { filename: a.name } : {}) }));
  const m: UIMessage = { id, role: 'user', parts: [...files, { type: 'text', text: u.text }] };
  if (u.metadata) m.metadata = u.metadata;
  return m;
}

/**
 * The thread as UIMessages, oldest first: every user message and, per turn and agent, its newest
 * response (older versions are what a regenerate replaced). `skip` leaves responses out by id.
 */
export function threadToUIMessages(s: SessionState, opts: { skip?: ReadonlySet<string>; userIds?: ReadonlyMap<string, string> } = {}): UIMessage[] {
  const thread = selectPathEntries(s);
  const newest = new Map<string, string>();
  for (const e of thread) if (e.kind === 'response') newest.set(`${e.turnId}\u0000${e.agentId}`, e.responseId);
  const out: UIMessage[] = [];
  for (const e of thread) {
    if (e.kind === 'user') out.push(userToUIMessage(e, opts.userIds?.get(e.turnId) ?? e.turnId));
    else if (newest.get(`${e.turnId}\u0000${e.agentId}`) === e.responseId && !opts.skip?.has(e.responseId)) out.push(responseToUIMessage(e));
  }
  return out;
}

/** What to send for a user UIMessage: its text parts joined, its files as attachments, its metadata. */
export function userMessageToSend(m: UIMessage): { text: string; extra: SendOptions } {
  if (m.role !== 'user') throw new DurableSessionError('invalid_argument', `The durable chat transport sends user messages; the last message is a ${m.role} message (${m.id}).`);
  let text = '';
  const attachments: Attachment[] = [];
  for (const p of m.parts) {
    if (p.type === 'text') text += (text ? '\n' : '') + p.text;
    else if (p.type === 'file') {
      const f = p as FileUIPart;
      attachments.push(f.filename === undefined ? { type: 'file', mediaType: f.mediaType, url: f.url } : { type: 'file', mediaType: f.mediaType, url: f.url, name: f.filename });
    } else throw new DurableSessionError('invalid_argument', `A user message can hold text and files only; message ${m.id} has a ${p.type} part.`);
  }
  if (text.trim() === '') throw new DurableSessionError('invalid_argument', `Message ${m.id} has no text; a durable session sends text, with any files attached to it.`);
  const extra: SendOptions = {};
  if (attachments.length) extra.attachments = attachments;
  if (m.metadata !== undefined && m.metadata !== null) {
    if (typeof m.metadata !== 'object' || Array.isArray(m.metadata)) throw new DurableSessionError('invalid_argument', `Message ${m.id} metadata must be an object to travel with it.`);
    extra.metadata = m.metadata as Record<string, unknown>;
  }
  return { text, extra };
}
