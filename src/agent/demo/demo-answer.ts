// The exact text a demo agent ends with for a prompt and the steers it took, for tests that
// compare what a page shows with what the agent must have written.
import { demoScript } from './demo-script.js';

/** A steer as the demo agent took it: after `afterWords` words of the answer had been written. */
export interface DemoAnswerSteer {
  afterWords: number;
  text: string;
}

/**
 * The text of the demo agent's finished answer to `prompt` (`count` words, in `voice`) when it took
 * `steers` at the points given. Steers after the answer's end are never taken.
 */
export function demoAnswer(prompt: string, count: number, opts: { voice?: string; steers?: readonly DemoAnswerSteer[] } = {}): string {
  const script = demoScript(prompt, count, opts.voice);
  const steers = [...(opts.steers ?? [])].sort((a, b) => a.afterWords - b.afterWords);
  let text = '';
  for (let i = 0; !script.done; i++) {
    const steer = steers[0]?.afterWords === i ? steers.shift()!.text : undefined;
    text += script.next(steer);
  }
  return text;
}
