// The words of a demo answer nobody interrupts: real sentences about what the prompt asked,
// chosen deterministically, exactly as many as asked for.
import { composeWords } from './compose-words.js';
import { choose, demoSeed } from './demo-seed.js';
import { topicsIn } from './demo-topics.js';
import { voiceNamed } from './demo-voice.js';
import { topicStream } from './topic-stream.js';

/** Answers shorter than this go straight to the point, without an opening remark. */
const OPENER_FROM_WORDS = 20;

/**
 * The `count` words the demo agent answers `prompt` with, in `voice` (see `voiceNamed`): the
 * paragraphs about what the prompt mentions (reload, offline, tabs, stop, steer, agents, history;
 * an introduction otherwise), then the other topics, ending on a whole sentence. Pure: the same
 * arguments always give the same words, and two voices give different ones.
 */
export function demoTokens(prompt: string, count: number, voice?: string): string[] {
  const pick = voice === undefined ? demoSeed(prompt) : demoSeed(voice, prompt);
  const speech = voiceNamed(voice);
  const opener = count >= OPENER_FROM_WORDS ? [choose(speech.openers, pick)] : [];
  const paragraphs = topicStream(
    speech,
    topicsIn(prompt).map((t) => t.topic),
    pick,
  );
  return composeWords([...opener, ...paragraphs.flat()], count, speech.closers, pick);
}
