// What a steer does to a demo answer: an acknowledgement written into the text, then the rest of the
// answer rewritten to follow it — another language, another topic, a new length, or the steer itself.
import { composeWords } from './compose-words.js';
import { demoLength } from './demo-length.js';
import { demoSeed } from './demo-seed.js';
import { topicsIn } from './demo-topics.js';
import { voiceNamed } from './demo-voice.js';
import { steerLanguages } from './steer-languages.js';
import { topicStream } from './topic-stream.js';

export interface DemoSteer {
  /** The acknowledgement written where the steer was taken: `— and, as you asked, in French:`. */
  bridge: string;
  /** The words that replace the rest of the answer. */
  words: string[];
}

/** The length of the rest when a steer asks for brevity without a number. */
const BRIEF_WORDS = 8;
const BRIEF = /\b(short|shorter|brief|briefly|concise|quick|quickly|summari[sz]e|tl;?dr)\b|\b(wrap|sum) (it )?up\b/i;
/** How much of an unrecognised steer is quoted back. */
const QUOTED_WORDS = 12;

/**
 * How the demo agent follows `steer` when `remaining` words of its answer to `prompt` are still
 * unwritten. It recognises a language ("in French", "Spanish", "auf Deutsch"), topics ("about
 * presence"), brevity ("shorter") and a length ("in 20 words", which sets the rest's length);
 * anything else it quotes back and follows in general terms. Pure, like `demoTokens`.
 */
export function demoSteer(steer: string, ctx: { prompt: string; remaining: number; voice?: string }): DemoSteer {
  const text = steer.split(/\s+/).filter(Boolean).join(' ');
  const pick = demoSeed(ctx.voice ?? '', ctx.prompt, text);
  const speech = voiceNamed(ctx.voice);
  const language = steerLanguages.find((l) => l.pattern.test(text));
  const topics = topicsIn(text);
  const brief = BRIEF.test(text);
  const sized = demoLength(text, 0) > 0;
  const count = sized ? demoLength(text, ctx.remaining) : brief ? Math.min(ctx.remaining, BRIEF_WORDS) : ctx.remaining;

  const labels: string[] = [];
  if (language) labels.push(language.label);
  else if (topics.length > 0) labels.push(`about ${topics.map((t) => t.word).join(' and ')}`);
  if (brief) labels.push('in short');
  if (sized) labels.push(`in ${count} words`);

  let words: string[];
  if (language) {
    const from = Math.floor(pick() * language.sentences.length);
    const sentences = [...language.sentences.slice(from), ...language.sentences.slice(0, from)];
    words = composeWords(sentences, count, language.closers, pick);
  } else if (topics.length > 0) {
    const sentences = topicStream(
      speech,
      topics.map((t) => t.topic),
      pick,
    ).flat();
    words = composeWords(sentences, count, speech.closers, pick);
  } else {
    // Only a length, or brevity, carries on with the topics the answer had not reached; anything
    // unrecognised is quoted back first.
    const [reached, ...unreached] = topicStream(
      speech,
      topicsIn(ctx.prompt).map((t) => t.topic),
      pick,
    );
    const quoted = labels.length === 0 ? `“${quote(text)}”` : '';
    if (quoted) labels.push(quoted);
    const followed = quoted ? speech.steered.map((s) => s.replaceAll('{steer}', quoted)) : [];
    words = composeWords([...followed, ...unreached.flat(), ...reached], count, speech.closers, pick);
  }
  return { bridge: `— and, as you asked, ${labels.join(', ')}:`, words };
}

function quote(text: string): string {
  const words = text.split(' ');
  return words.length > QUOTED_WORDS ? `${words.slice(0, QUOTED_WORDS).join(' ')}…` : text;
}
