// How long a demo answer is: a person can ask for a length in the prompt (or in a steer) to try a
// long stream, a short one, or a stop part-way through.

/**
 * How many words the demo agent writes for `text`: "in N words" anywhere in it asks for N (1–2000);
 * otherwise `fallback`.
 */
export function demoLength(text: string, fallback: number): number {
  const m = /\bin (\d{1,4}) words?\b/i.exec(text);
  if (!m) return fallback;
  return Math.max(1, Math.min(2000, Number(m[1])));
}
