// The order in which a demo answer visits its voice's paragraphs: what the text asked about first,
// then every other topic, so a long answer keeps explaining something new.
import { DEMO_TOPICS, type DemoTopic } from './demo-topics.js';
import type { DemoVoice } from './demo-voice.js';

/**
 * The paragraphs of `voice`, those about `first` in that order (or the introduction when `first` is
 * empty), then the rest in an order chosen by `pick`, so two long answers wander differently.
 */
export function topicStream(voice: DemoVoice, first: readonly DemoTopic[], pick: () => number): string[][] {
  const lead: DemoTopic[] = first.length > 0 ? [...new Set(first)] : ['intro'];
  const rest = DEMO_TOPICS.filter((t) => !lead.includes(t));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(pick() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  return [...lead, ...rest].map((topic) => [...voice.topics[topic]]);
}
