import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoAnswer, demoSteer, demoTokens } from '../../src/agent/demo/index.js';
import type { TurnRecord } from '../../src/agent/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { until } from '../helpers/until.js';

const text = (prompt: string, count: number, voice?: string) => demoTokens(prompt, count, voice).join(' ');

describe('demo agent answers', () => {
  it('has exactly the words asked for at every length, ending on a whole sentence', () => {
    for (const voice of [undefined, 'assistant', 'reviewer']) {
      for (let n = 1; n <= 300; n++) {
        const words = demoTokens(`question ${n}`, n, voice);
        expect(words).toHaveLength(n);
        expect(words.every((w) => w.length > 0 && !/\s/.test(w))).toBe(true);
        expect(words.at(-1)).toMatch(/[.!?]$/);
      }
    }
  });

  it('reads as the voice it is given: the assistant explains, the reviewer reviews', () => {
    const prompt = 'Tell me about durable sessions @reviewer';
    expect(text(prompt, 150, 'assistant')).toMatch(/^\S.*?\. A durable session is a channel that outlives every connection to it\. /);
    expect(text(prompt, 150, 'assistant')).toContain('Reload now: this answer will carry on where it was');
    expect(text(prompt, 150, 'reviewer')).toMatch(/^\S.*?\. Reviewer here: a second agent with my own connection/);
  });

  it('starts with what the prompt asks about, and explains how to try it', () => {
    expect(text('what happens if I reload?', 60)).toContain('Reload now: this answer will carry on where it was.');
    expect(text('can I go offline?', 60)).toContain('Go offline now');
    expect(text('does it work with two tabs?', 60)).toContain('Open a second tab on this same address');
    expect(text('how do I stop it?', 60)).toContain('Press Stop, or Esc, now and this answer ends where it is.');
    // A short answer goes straight to the point, without an opening remark.
    expect(text('what happens if I reload?', 10)).toBe('Reload now: this answer will carry on where it was.');
  });

  it('varies with the prompt, yet gives the same words for the same prompt', () => {
    const answers = new Set(Array.from({ length: 20 }, (_, i) => text(`question ${i + 1} in 40 words`, 40)));
    expect(answers.size).toBeGreaterThan(5);
    expect(text('same prompt', 80)).toBe(text('same prompt', 80));
  });
});

describe('demo agent steers', () => {
  const ctx = { prompt: 'talk for a while', remaining: 40 };

  it('switches the rest to another language, keeping its length', () => {
    for (const [steer, label, word] of [
      ['answer in French', 'in French', /\b(la|le|un|de)\b/i],
      ['en español', 'in Spanish', /\b(la|el|una|de)\b/i],
      ['auf Deutsch bitte', 'in German', /\b(die|der|ein|einen|in)\b/i],
    ] as const) {
      const s = demoSteer(steer, ctx);
      expect(s.bridge).toBe(`— and, as you asked, ${label}:`);
      expect(s.words).toHaveLength(40);
      expect(s.words.join(' ')).toMatch(word);
      expect(s.words.at(-1)).toMatch(/[.!?]$/);
    }
    for (let remaining = 1; remaining <= 120; remaining++) expect(demoSteer('in French', { ...ctx, remaining }).words).toHaveLength(remaining);
  });

  it('follows a topic, a length or a wish for brevity', () => {
    const about = demoSteer('mention presence', ctx);
    expect(about.bridge).toBe('— and, as you asked, about presence:');
    expect(about.words.join(' ')).toMatch(/^Open a second tab on this same address/);
    const sized = demoSteer('in 12 words', ctx);
    expect(sized.bridge).toBe('— and, as you asked, in 12 words:');
    expect(sized.words).toHaveLength(12);
    const brief = demoSteer('shorter please', ctx);
    expect(brief.bridge).toBe('— and, as you asked, in short:');
    expect(brief.words.length).toBeLessThanOrEqual(8);
    expect(demoSteer('in French, shorter', ctx).bridge).toBe('— and, as you asked, in French, in short:');
  });

  it('quotes back a steer it does not recognise, and follows it in general terms', () => {
    const s = demoSteer('purple   elephants', ctx);
    expect(s.bridge).toBe('— and, as you asked, “purple elephants”:');
    expect(s.words.join(' ')).toMatch(/^From here on this answer follows your steer, “purple elephants”\./);
    const long = demoSteer('one two three four five six seven eight nine ten eleven twelve thirteen', ctx);
    expect(long.bridge).toBe('— and, as you asked, “one two three four five six seven eight nine ten eleven twelve…”:');
  });

  it('demoAnswer places the acknowledgement where the steer was taken', () => {
    const prompt = 'talk for a while in 30 words';
    const plain = demoTokens(prompt, 30);
    const steered = demoAnswer(prompt, 30, { steers: [{ afterWords: 10, text: 'in French' }] });
    const [before, after] = steered.split(' — and, as you asked, in French: ');
    expect(before).toBe(plain.slice(0, 10).join(' '));
    expect(after.split(' ')).toEqual(demoSteer('in French', { prompt, remaining: 20 }).words);
    expect(demoAnswer(prompt, 30, { steers: [{ afterWords: 0, text: 'in French' }] })).toMatch(/^— and, as you asked, in French: \S/);
    expect(demoAnswer(prompt, 30, { steers: [{ afterWords: 30, text: 'in French' }] })).toBe(plain.join(' '));
  });

  it('writes live exactly what demoAnswer says for the steer it took', async () => {
    const broker = createBroker();
    const records: TurnRecord[] = [];
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', thinkMs: 0, tokensPerSecond: 150, tokens: 80, onTurnEnd: (r) => records.push(r) });
    await agent.start();
    const alice = client(broker, 'alice', 's');
    await alice.ctrl.acquire();
    await alice.ctrl.send('tell me about tabs');
    await until(() => responses(alice.ctrl.store.getState())[0]?.text.length ?? 0, 'the first words', { ok: (n) => n > 0 });
    expect((await alice.ctrl.steer('continue in Spanish')).ok).toBe(true);
    const record = await until(() => records[0], 'the answer to end');
    const marker = ' — and, as you asked, in Spanish: ';
    expect(record.text).toContain(marker);
    const afterWords = record.text.slice(0, record.text.indexOf(marker)).split(' ').length;
    expect(record.text).toBe(demoAnswer('tell me about tabs', 80, { steers: [{ afterWords, text: 'continue in Spanish' }] }));
    await agent.stop();
  });
});

describe('demo agent module', () => {
  it('imports nothing but the kit core and agent layers: no Node, no React, no packages', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../src/agent/demo');
    const src = resolve(dir, '../..');
    for (const file of readdirSync(dir)) {
      const code = readFileSync(join(dir, file), 'utf8');
      const lines = code.split('\n');
      // Each file opens by saying what it is for.
      expect(lines[0], file).toMatch(/^\/\/ \S/);
      expect(lines[1], file).toMatch(/^\/\/ \S/);
      expect(lines.length, file).toBeLessThanOrEqual(300);
      for (const [, spec] of code.matchAll(/from '([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\//);
        const layer = relative(src, resolve(dir, spec)).split('/')[0];
        expect(['core', 'agent'], `${file} imports ${spec}`).toContain(layer);
      }
    }
  });
});
