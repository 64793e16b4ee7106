// The demo agent's tools: a weather lookup whose input streams as partial JSON, and an email that
// waits for a person's approval — deterministic, so tests and stories know every part in advance.
import { delay } from '../delay.js';
import type { Turn } from '../create-agent.js';
import type { ToolCallPart } from '../../core/parts.js';
import type { ToolCall } from '../tool-call.js';
import { demoSeed, choose } from './demo-seed.js';

const CONDITIONS = ['sunny', 'partly cloudy', 'overcast', 'light rain', 'windy', 'foggy'] as const;

/** Which tool a prompt asks for, if any: "weather in <City>" or anything about an email. */
export function demoToolFor(prompt: string): { tool: 'weather'; city: string } | { tool: 'send_email'; to: string } | undefined {
  const at = /\bweather\s+(?:in|for|at)\s+/i.exec(prompt);
  // Case-sensitive after the first word, so "Paris today" is Paris and "New York" stays whole.
  const w = at ? /^[A-Za-zÀ-ÿ][\w'À-ÿ-]*(?:\s+[A-Z][\w'À-ÿ-]*)?/.exec(prompt.slice(at.index + at[0].length)) : null;
  if (w) return { tool: 'weather', city: w[0].charAt(0).toUpperCase() + w[0].slice(1) };
  if (/\be-?mail\b/i.test(prompt) || /\bsend\b.*[\w.+-]+@[\w-]+\.\w/i.test(prompt)) return { tool: 'send_email', to: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(prompt)?.[0] ?? 'team@example.com' };
  return undefined;
}

export interface DemoWeather {
  city: string;
  tempC: number;
  conditions: string;
}

/** The weather the demo tool reports for a city: always the same for the same city. */
export function demoWeather(city: string): DemoWeather {
  const pick = demoSeed('weather', city.toLowerCase());
  return { city, tempC: Math.round(pick() * 25) + 2, conditions: choose(CONDITIONS, pick) };
}

/** Every text the tool turns write, so tests and stories compare against one source. */
export const demoToolText = {
  weatherReasoning: (city: string) => [`The user wants the weather in ${city}. `, 'I will ask the weather tool, ', 'then cite where the figures came from.'],
  weatherAnswer: (w: DemoWeather) => `It is ${w.tempC} °C and ${w.conditions} in ${w.city} right now.`,
  weatherSource: (city: string) => ({ url: `https://weather.example/${encodeURIComponent(city.toLowerCase())}`, title: `Weather in ${city}` }),
  emailInput: (to: string) => ({ to, subject: 'Durable sessions', body: 'Approve or deny this in any tab: every tab sees who decided.' }),
  sent: (to: string) => `Sent the email to ${to}.`,
  denied: (reason: string | undefined) => `I did not send the email${reason ? `: ${reason}` : ', as you denied it'}.`,
};

/**
 * How many steps (one per token at the agent's rate) a tool's input takes to stream: a short input
 * goes a character at a time, a long one in bigger pieces, so either streams long enough to watch.
 */
const INPUT_STEPS = 20;

/** Splits a JSON text into at most `n` pieces, as a model streams a tool's arguments. */
function pieces(json: string, n: number): string[] {
  const size = Math.ceil(json.length / n);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

/** Writes `text` a word at a time at `stepMs` per word, after the first `skip` characters (already written); stops on cancel. */
async function words(turn: Turn, text: string, stepMs: number, skip = 0): Promise<void> {
  const ws = text.split(' ');
  for (let i = 0; i < ws.length && !turn.signal.aborted; i++) {
    let w = i === 0 ? ws[i] : ` ${ws[i]}`;
    const n = Math.min(skip, w.length);
    skip -= n;
    w = w.slice(n);
    if (!w) continue;
    turn.write(w);
    await delay(stepMs, turn.signal);
  }
}

/**
 * What an earlier instance already did in a turn taken over (nothing, on a fresh turn): the tool
 * turns carry on from there instead of reasoning, calling or citing twice.
 */
function priorOf(turn: Turn, toolName: string) {
  const parts = turn.resumed?.parts ?? [];
  const call = parts.find((p): p is ToolCallPart => p.type === 'tool-call' && p.toolName === toolName);
  return {
    reasoned: parts.some((p) => p.type === 'reasoning'),
    cited: parts.some((p) => p.type === 'source'),
    call: call ? { toolCallId: call.toolCallId, inputChars: call.inputText.length } : undefined,
    text: turn.resumed?.text.length ?? 0,
  };
}

/** Streams the part of `json` not yet sent, in pieces, as a model streams a tool's arguments. */
async function streamInput(turn: Turn, call: ToolCall, json: string, sent: number, stepMs: number): Promise<void> {
  if (call.state !== 'input-streaming') return;
  for (const p of pieces(json, INPUT_STEPS)) {
    const n = Math.min(sent, p.length);
    sent -= n;
    if (n === p.length) continue;
    call.inputDelta(p.slice(n));
    await delay(stepMs, turn.signal);
    if (turn.signal.aborted) return;
  }
  call.input();
}

/** Reasons briefly, calls `weather` with its input streamed in pieces, cites a source, then answers. */
export async function weatherTurn(turn: Turn, city: string, stepMs: number): Promise<void> {
  const prior = priorOf(turn, 'weather');
  for (const r of prior.reasoned ? [] : demoToolText.weatherReasoning(city)) {
    turn.reasoning(r);
    await delay(stepMs, turn.signal);
    if (turn.signal.aborted) return;
  }
  const call = turn.toolCall({ toolName: 'weather', ...(prior.call ? { toolCallId: prior.call.toolCallId } : {}) });
  await streamInput(turn, call, JSON.stringify({ city }), prior.call?.inputChars ?? 0, stepMs);
  if (turn.signal.aborted) return;
  const w = demoWeather(city);
  if (call.state === 'input-available' || call.state === 'running') {
    call.running();
    await delay(stepMs * 3, turn.signal);
    if (turn.signal.aborted) return;
    call.output(w);
  }
  if (!prior.cited) turn.source(demoToolText.weatherSource(city));
  await words(turn, demoToolText.weatherAnswer(w), stepMs, prior.text);
}

/** Drafts an email with its input streamed, waits for a person to approve or deny it, then says what happened. */
export async function emailTurn(turn: Turn, to: string, stepMs: number): Promise<void> {
  const prior = priorOf(turn, 'send_email');
  const call = turn.toolCall({ toolName: 'send_email', needsApproval: true, ...(prior.call ? { toolCallId: prior.call.toolCallId } : {}) });
  await streamInput(turn, call, JSON.stringify(demoToolText.emailInput(to)), prior.call?.inputChars ?? 0, stepMs);
  if (turn.signal.aborted) return;
  let approved = call.state === 'output-available';
  let reason: string | undefined;
  try {
    if (!approved) ({ approved, reason } = await call.approval());
  } catch {
    // Cancelled while waiting: the runtime ends the response `cancelled`.
    return;
  }
  if (!approved) return words(turn, demoToolText.denied(reason), stepMs, prior.text);
  if (call.state === 'running') {
    await delay(stepMs * 2, turn.signal);
    if (turn.signal.aborted) return;
    call.output({ sent: true, to });
  }
  await words(turn, demoToolText.sent(to), stepMs, prior.text);
}
