// The chaos runs' deterministic agent: what it writes for a prompt, and how each planned turn goes
// (plain text, cancel, steer, reasoning with a streamed tool call, an approval it waits for).
import { delay, type Turn } from '../../src/agent/index.js';
import type { ApprovalDecision, ResponsePart } from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';

type OnDecision = (turnId: string, d: ApprovalDecision) => void;

/** The handler of a run's agent: `waitMs` bounds every wait for a control; `onDecision` hears each approval obeyed. */
export function chaosHandler(o: { waitMs: number; onDecision: OnDecision }): (turn: Turn) => Promise<void> {
  return (turn) => handle(turn, o.waitMs, o.onDecision);
}

/** What the deterministic agent writes for a prompt: short words from a PRNG seeded by the prompt. */
function words(prompt: string, n: number): string[] {
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 16777619);
  const rnd = seededRandom(h >>> 0);
  const vocab = ['ok', 'the', 'wave', 'µ', 'ß', 'é', 'token', '✓', 'a b', 'x', 'yz', '\n', '"q"', '<b>', '日本'];
  return Array.from({ length: n }, (_, i) => (i === 0 ? '' : ' ') + vocab[Math.floor(rnd() * vocab.length)]);
}

/**
 * The agent's handler. The prompt names the plan: `normal` streams and completes; `doomed` waits
 * mid-answer for its agent to be killed, and is finished by whoever takes it over; `cancel` streams a
 * little then waits for the cancel; `steer` streams a little, waits for a steer, applies it and
 * completes; `tool`, `tool-cancel` and `approval` go through {@link toolTurn}. Waits are bounded, so
 * an unhonoured control ends the turn `complete` and fails the run.
 */
async function handle(turn: Turn, waitMs: number, onDecision: OnDecision): Promise<void> {
  const [kind, , count] = turn.input.text.split(' ');
  const n = Number(count);
  const w = words(turn.input.text, n);
  if (kind === 'tool' || kind === 'tool-cancel' || kind === 'approval') return toolTurn(turn, kind, w, waitMs, onDecision);
  if (kind === 'doomed') return doomed(turn, w, waitMs);
  const head = kind === 'normal' ? n : Math.max(1, Math.floor(n / 3));
  for (let i = 0; i < head && !turn.signal.aborted; i++) {
    turn.write(w[i]);
    await delay(1 + (i % 4), turn.signal);
  }
  if (kind === 'cancel' || kind === 'early-cancel') {
    await delay(waitMs, turn.signal);
    return;
  }
  if (kind === 'steer') {
    const deadline = Date.now() + waitMs;
    let s = turn.steers.take();
    while (!s && !turn.signal.aborted && Date.now() < deadline) {
      await delay(5, turn.signal);
      s = turn.steers.take();
    }
    if (s) turn.write(` [steered: ${s.text}]`);
    for (let i = head; i < n && !turn.signal.aborted; i++) {
      turn.write(w[i]);
      await delay(1, turn.signal);
    }
  }
}

/**
 * The turn whose agent gets killed: a third of the words, then a wait the kill interrupts (so the kill
 * always lands mid-turn). A taker writes the rest after the words it found in `turn.resumed`.
 */
async function doomed(turn: Turn, w: string[], waitMs: number): Promise<void> {
  let from = 0;
  for (let done = turn.resumed?.text.length ?? 0; from < w.length && done >= w[from].length; from++) done -= w[from].length;
  const third = Math.max(1, Math.floor(w.length / 3));
  for (let i = from; i < w.length && !turn.signal.aborted; i++) {
    turn.write(w[i]);
    if (i === third - 1 && !turn.resumed) await delay(waitMs, turn.signal);
    await delay(1, turn.signal);
  }
}

/**
 * Reasoning, then a tool call whose input streams in pieces of 1–5 characters. `tool-cancel` waits
 * mid-input for the cancel; `approval` asks the session and reports the decision it obeyed; the
 * others run the tool and answer in text.
 */
async function toolTurn(turn: Turn, kind: 'tool' | 'tool-cancel' | 'approval', w: string[], waitMs: number, onDecision: OnDecision): Promise<void> {
  const third = Math.max(1, Math.floor(w.length / 3));
  for (let i = 0; i < third && !turn.signal.aborted; i++) {
    turn.reasoning(w[i]);
    await delay(1 + (i % 3), turn.signal);
  }
  const call = turn.toolCall({ toolName: 'lookup', needsApproval: kind === 'approval' });
  const input = JSON.stringify({ q: w.slice(third, 2 * third).join('') });
  const cut = kind === 'tool-cancel' ? Math.ceil(input.length / 2) : input.length;
  for (let at = 0; at < cut && !turn.signal.aborted; at += 1 + (at % 5)) {
    call.inputDelta(input.slice(at, Math.min(cut, at + 1 + (at % 5))));
    await delay(1, turn.signal);
  }
  if (kind === 'tool-cancel') {
    await delay(waitMs, turn.signal);
    return;
  }
  if (turn.signal.aborted) return;
  call.input();
  if (kind === 'approval') {
    const giveUp = new AbortController();
    const d = await Promise.race([call.approval(), delay(waitMs, AbortSignal.any([turn.signal, giveUp.signal])).then(() => undefined)]);
    giveUp.abort();
    if (!d) return;
    onDecision(turn.turnId, d);
    if (!d.approved) {
      turn.write(`Not run: ${d.reason ?? 'denied'}.`);
      return;
    }
  }
  call.output({ chars: input.length });
  for (let i = 2 * third; i < w.length && !turn.signal.aborted; i++) {
    turn.write(w[i]);
    await delay(1, turn.signal);
  }
}

/** The characters a part streams: text and reasoning text, a tool call's input. */
export function streamedOf(p: ResponsePart | undefined): string {
  if (!p) return '';
  if (p.type === 'text' || p.type === 'reasoning') return p.text;
  return p.type === 'tool-call' ? p.inputText : '';
}

