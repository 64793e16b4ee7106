// The shape of a demo agent's canned speech, and which one a `voice` name selects. Keeping the
// sentences apart from the composing code lets each voice read as one piece of writing.
import { assistantVoice } from './assistant-voice.js';
import type { DemoTopic } from './demo-topics.js';
import { reviewerVoice } from './reviewer-voice.js';

export interface DemoVoice {
  /** Sentences that may open a longer answer; one is chosen per prompt. */
  readonly openers: readonly string[];
  /** A paragraph per topic, as sentences; any one may be skipped to fit an exact length. */
  readonly topics: Readonly<Record<DemoTopic, readonly string[]>>;
  /** Closing sentences of every length from one word up, to end an answer at an exact length. */
  readonly closers: readonly string[];
  /** Sentences for a steer the voice does not recognise; `{steer}` stands for the steer's text. */
  readonly steered: readonly string[];
}

/** `reviewer` speaks as the reviewer of a turn; any other name, or none, as the assistant. */
export function voiceNamed(name: string | undefined): DemoVoice {
  return name === 'reviewer' ? reviewerVoice : assistantVoice;
}
