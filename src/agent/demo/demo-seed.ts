// One seeded random source per answer, derived from its inputs, so the same prompt, voice and
// steer always give the same words — tests and e2e compute the exact text a page must show.
import { seededRandom } from '../../core/random.js';

/** A PRNG seeded from `parts` (FNV-1a over them, joined by NUL). */
export function demoSeed(...parts: readonly string[]): () => number {
  const s = parts.join('\u0000');
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return seededRandom(h >>> 0);
}

/** One of `options`, chosen by `pick`. */
export function choose<T>(options: readonly T[], pick: () => number): T {
  return options[Math.floor(pick() * options.length)];
}
