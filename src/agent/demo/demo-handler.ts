// The demo agent's turn handler: a deterministic stand-in for an LLM that streams readable,
// canned answers slowly enough to reload, go offline, stop or steer part-way through.
import { delay } from '../delay.js';
import type { Turn, TurnHandler } from '../create-agent.js';
import { demoLength } from './demo-length.js';
import { demoScript } from './demo-script.js';
import { demoToolFor, emailTurn, weatherTurn } from './demo-tools.js';

export interface DemoHandlerOptions {
  /** Words per second. Default 20. */
  tokensPerSecond?: number;
  /** Words in each answer, unless the prompt says "in N words". Default 60. */
  tokens?: number;
  /** Delay before the first word, in ms. Default 150. */
  thinkMs?: number;
  /**
   * Whose words: `reviewer` reviews the turn, any other voice (or none) answers as the assistant.
   * Also mixed into the choice of sentences, so two demo agents answer one prompt differently.
   * Default: none.
   */
  voice?: string;
}

/**
 * Answers with `demoTokens` at a fixed rate — or, as the assistant, uses a tool when the prompt asks
 * for the weather in a city or mentions an email (see `demoToolFor`). A steer is acknowledged in the text (`— and, as you
 * asked, in French:`) and rewrites the rest of the answer (see `demoSteer`); `demoAnswer` gives the
 * exact text for the steers taken. Honours cancel at once. Taking over another instance's answer
 * (`turn.resumed`), it writes only the rest, so the text ends as an uninterrupted run's would (a
 * steer the dead instance took is not replayed).
 */
export function demoHandler(opts: DemoHandlerOptions = {}): TurnHandler {
  const rate = opts.tokensPerSecond ?? 20;
  const count = opts.tokens ?? 60;
  const think = opts.thinkMs ?? 150;
  return async (turn: Turn) => {
    const tool = opts.voice === 'reviewer' ? undefined : demoToolFor(turn.input.text);
    if (tool) {
      await delay(think, turn.signal);
      if (turn.signal.aborted) return;
      return tool.tool === 'weather' ? weatherTurn(turn, tool.city, 1000 / rate) : emailTurn(turn, tool.to, 1000 / rate);
    }
    const script = demoScript(turn.input.text, demoLength(turn.input.text, count), opts.voice);
    // Taking over a dead instance's answer: its words are known, so replay them unwritten and carry
    // on after what the session already holds — the end result is the uninterrupted answer.
    let skip = turn.resumed?.text.length ?? 0;
    if (skip === 0) await delay(think, turn.signal);
    while (!script.done && !turn.signal.aborted) {
      let chunk = script.next(skip > 0 ? undefined : turn.steers.take()?.text);
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.slice(n);
        if (!chunk) continue;
      }
      turn.write(chunk);
      await delay(1000 / rate, turn.signal);
    }
  };
}
