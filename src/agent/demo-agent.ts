import { seededRandom } from '../core/random.js';
import { delay } from './delay.js';
import { createAgent, type Agent, type AgentOptions, type Turn, type TurnHandler } from './create-agent.js';

export interface DemoAgentOptions extends Omit<AgentOptions, 'handler' | 'agentId'> {
  /** Default `demo`. */
  agentId?: string;
  /** Tokens (words) per second. Default 20. */
  tokensPerSecond?: number;
  /** Words in each answer, unless the prompt says "in N words". Default 60. */
  tokens?: number;
  /** Delay before the first token, in ms. Default 150. */
  thinkMs?: number;
  /** Mixed into the seed, so two demo agents answer one prompt differently. Default: none. */
  voice?: string;
}

type DemoHandlerOptions = Pick<DemoAgentOptions, 'tokensPerSecond' | 'tokens' | 'thinkMs' | 'voice'>;

const WORDS = (
  'durable sessions keep every token safe while tabs reload and networks blink so the answer ' +
  'arrives once and whole on every screen that follows the conversation from phone to laptop ' +
  'with presence showing who is here and controls that stop or steer the agent mid sentence'
).split(' ');

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The text the demo agent produces for `prompt`, given the steers it applies before each token
 * index. Pure, so tests can compute the exact expected answer.
 */
export function demoTokens(prompt: string, count: number, voice?: string): string[] {
  const rnd = seededRandom(hash(voice === undefined ? prompt : `${voice}\u0000${prompt}`));
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(WORDS[Math.floor(rnd() * WORDS.length)]);
  return out;
}

/**
 * How many words the demo agent writes for `prompt`: "in N words" anywhere in the prompt asks for N
 * (1–2000), so a person can try a long answer; otherwise `fallback`.
 */
export function demoLength(prompt: string, fallback: number): number {
  const m = /\bin (\d{1,4}) words?\b/i.exec(prompt);
  if (!m) return fallback;
  return Math.max(1, Math.min(2000, Number(m[1])));
}

/**
 * A deterministic stand-in for an LLM: answers with words chosen by a PRNG seeded from the prompt,
 * at a fixed rate. A steer switches the rest of the answer to the steer's own words, after a visible
 * `[steered: …]` marker, so a person (or a test) can see it took effect. Honours cancel at once.
 */
export function demoHandler(opts: DemoHandlerOptions = {}): TurnHandler {
  const rate = opts.tokensPerSecond ?? 20;
  const count = opts.tokens ?? 60;
  const think = opts.thinkMs ?? 150;
  return async (turn: Turn) => {
    const n = demoLength(turn.input.text, count);
    const words = demoTokens(turn.input.text, n, opts.voice);
    let vocabulary: string[] | null = null;
    await delay(think, turn.signal);
    for (let i = 0; i < n && !turn.signal.aborted; i++) {
      const s = turn.steers.take();
      if (s) {
        vocabulary = s.text.split(/\s+/).filter(Boolean);
        turn.write(`${i === 0 ? '' : ' '}[steered: ${s.text}]`);
      }
      const word = vocabulary && vocabulary.length > 0 ? vocabulary[i % vocabulary.length] : words[i];
      turn.write(i === 0 && !s ? word : ` ${word}`);
      await delay(1000 / rate, turn.signal);
    }
  };
}

/** Creates the demo agent in a session. */
export function createDemoAgent(opts: DemoAgentOptions): Agent {
  const { tokensPerSecond, tokens, thinkMs, voice, agentId, ...rest } = opts;
  const h: DemoHandlerOptions = {};
  if (tokensPerSecond !== undefined) h.tokensPerSecond = tokensPerSecond;
  if (tokens !== undefined) h.tokens = tokens;
  if (thinkMs !== undefined) h.thinkMs = thinkMs;
  if (voice !== undefined) h.voice = voice;
  return createAgent({ ...rest, agentId: agentId ?? 'demo', handler: demoHandler(h) });
}
