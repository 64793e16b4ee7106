// What the demo agents can talk about, and the words in a prompt or a steer that pick each topic.
// Most topics are a durability promise the person can try while the answer streams.

export type DemoTopic = 'intro' | 'reload' | 'offline' | 'tabs' | 'stop' | 'steer' | 'agents' | 'history';

const PATTERNS: readonly (readonly [DemoTopic, RegExp])[] = [
  ['intro', /\b(durable|durability|sessions?|hello|hi|hey)\b/i],
  ['reload', /\b(reload\w*|refresh\w*|resum\w*|f5)\b/i],
  ['offline', /\b(offline|online|networks?|wi-?fi|connections?|disconnect\w*|flaky)\b/i],
  ['tabs', /\b(tabs?|devices?|phones?|laptops?|browsers?|windows?|presence|share|together)\b/i],
  ['stop', /\b(stop\w*|cancel\w*|abort\w*|interrupt\w*|halt|esc)\b/i],
  ['steer', /\b(steer\w*|redirect\w*|course|direction)\b/i],
  ['agents', /\b(agents?|reviewer|multi-agent|team)\b/i],
  ['history', /\b(history|earlier|later?|joins?|replay\w*|past|remember\w*|restart\w*)\b/i],
];

/** Every topic, in the order an answer that matches none of them would visit them. */
export const DEMO_TOPICS: readonly DemoTopic[] = PATTERNS.map(([t]) => t);

/** The topics `text` mentions, in the order it mentions them, each with the word that named it. */
export function topicsIn(text: string): { topic: DemoTopic; word: string }[] {
  const found: { topic: DemoTopic; word: string; at: number }[] = [];
  for (const [topic, pattern] of PATTERNS) {
    const m = pattern.exec(text);
    if (m) found.push({ topic, word: m[1], at: m.index });
  }
  return found.sort((a, b) => a.at - b.at).map(({ topic, word }) => ({ topic, word }));
}
