// The demo agent's tools: a weather lookup whose input streams as partial JSON, and an email that
// waits for a person's approval — deterministic, so tests and stories know every part in advance.
import { delay } from '../delay.js';
import type { Turn } from '../create-agent.js';
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

/** Writes `text` a word at a time at `stepMs` per word; stops when the turn is cancelled. */
async function words(turn: Turn, text: string, stepMs: number): Promise<void> {
  const ws = text.split(' ');
  for (let i = 0; i < ws.length && !turn.signal.aborted; i++) {
    turn.write(i === 0 ? ws[i] : ` ${ws[i]}`);
    await delay(stepMs, turn.signal);
  }
}

/** Reasons briefly, calls `weather` with its input streamed in pieces, cites a source, then answers. */
export async function weatherTurn(turn: Turn, city: string, stepMs: number): Promise<void> {
  for (const r of demoToolText.weatherReasoning(city)) {
    turn.reasoning(r);
    await delay(stepMs, turn.signal);
    if (turn.signal.aborted) return;
  }
  const call = turn.toolCall({ toolName: 'weather' });
  for (const p of pieces(JSON.stringify({ city }), INPUT_STEPS)) {
    call.inputDelta(p);
    await delay(stepMs, turn.signal);
    if (turn.signal.aborted) return;
  }
  call.input();
  call.running();
  await delay(stepMs * 3, turn.signal);
  if (turn.signal.aborted) return;
  const w = demoWeather(city);
  call.output(w);
  turn.source(demoToolText.weatherSource(city));
  await words(turn, demoToolText.weatherAnswer(w), stepMs);
}

/** Drafts an email with its input streamed, waits for a person to approve or deny it, then says what happened. */
export async function emailTurn(turn: Turn, to: string, stepMs: number): Promise<void> {
  const call = turn.toolCall({ toolName: 'send_email', needsApproval: true });
  for (const p of pieces(JSON.stringify(demoToolText.emailInput(to)), INPUT_STEPS)) {
    call.inputDelta(p);
    await delay(stepMs, turn.signal);
    if (turn.signal.aborted) return;
  }
  let approved: boolean;
  let reason: string | undefined;
  try {
    ({ approved, reason } = await call.approval());
  } catch {
    // Cancelled while waiting: the runtime ends the response `cancelled`.
    return;
  }
  if (!approved) return words(turn, demoToolText.denied(reason), stepMs);
  await delay(stepMs * 2, turn.signal);
  if (turn.signal.aborted) return;
  call.output({ sent: true, to });
  await words(turn, demoToolText.sent(to), stepMs);
}
