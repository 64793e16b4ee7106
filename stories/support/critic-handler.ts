import type { TurnHandler } from '../../src/agent/create-agent.js';
import { demoTokens } from '../../src/agent/demo/index.js';

/**
 * A second agent for multi-agent turns: answers every message with its own (deterministic) review,
 * so both agents' responses stream into one turn side by side.
 */
export function criticHandler(tokensPerSecond: number, tokens = 24): TurnHandler {
  return async (turn) => {
    const words = ['Review:', ...demoTokens(`critic:${turn.input.text}`, tokens)];
    for (const w of words) {
      if (turn.signal.aborted) return;
      turn.write(turn.text ? ` ${w}` : w);
      await new Promise((r) => setTimeout(r, 1000 / tokensPerSecond));
    }
  };
}
