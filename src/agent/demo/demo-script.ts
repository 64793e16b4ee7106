// One demo answer being written, word by word: the single place that decides what comes next, so
// the live handler and `demoAnswer` (what tests expect) cannot drift apart.
import { demoSteer } from './demo-steer.js';
import { demoTokens } from './demo-tokens.js';

export interface DemoScript {
  /** True once every word has been written. */
  readonly done: boolean;
  /** The next chunk to write: the next word, after the steer's acknowledgement when one is given. */
  next(steer?: string): string;
}

/** The answer to `prompt`, `count` words long unless a steer changes the rest. */
export function demoScript(prompt: string, count: number, voice?: string): DemoScript {
  let words = demoTokens(prompt, count, voice);
  let written = 0;
  return {
    get done() {
      return written >= words.length;
    },
    next(steer) {
      let chunk = '';
      if (steer !== undefined) {
        const s = demoSteer(steer, { prompt, remaining: words.length - written, voice });
        words = [...words.slice(0, written), ...s.words];
        chunk = written === 0 ? `${s.bridge} ` : ` ${s.bridge} `;
      } else if (written > 0) {
        chunk = ' ';
      }
      return chunk + words[written++];
    },
  };
}
