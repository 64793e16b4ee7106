// Fits whole sentences into an exact number of words, so "in N words" is exact and every answer
// still ends on a full stop.
import { choose } from './demo-seed.js';

/**
 * Words from `sentences` (taken in order, again from the start when they run out) followed by one
 * closing sentence from `closers`, `count` words in all. A sentence that would overrun the count is
 * skipped; the closer fills what is left, so `closers` must hold a sentence of every length from 1
 * to its longest one.
 */
export function composeWords(sentences: readonly string[], count: number, closers: readonly string[], pick: () => number): string[] {
  const bySize = new Map<number, string[][]>();
  for (const c of closers) {
    const words = c.split(' ');
    bySize.set(words.length, [...(bySize.get(words.length) ?? []), words]);
  }
  const longestCloser = Math.max(...bySize.keys());
  const split = sentences.map((s) => s.split(' '));
  const out: string[] = [];
  let left = count;
  let at = 0;
  while (left > longestCloser) {
    let taken = false;
    for (let tried = 0; tried < split.length && !taken; tried++) {
      const words = split[at++ % split.length];
      if (words.length <= left) {
        out.push(...words);
        left -= words.length;
        taken = true;
      }
    }
    if (!taken) {
      out.push(...choose(bySize.get(longestCloser)!, pick));
      left -= longestCloser;
    }
  }
  if (left > 0) out.push(...choose(bySize.get(left)!, pick));
  return out;
}
