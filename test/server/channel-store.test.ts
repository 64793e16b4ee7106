import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/index.js';
import { ChannelStore } from '../../src/server/channel-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ChannelStore', () => {
  it('reloads every committed event, and skips a line torn by a crash', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ds-store-'));
    dirs.push(dataDir);
    const store = new ChannelStore({ dataDir });
    const broker = new Broker({ onEvent: (ch, e) => store.append(ch, e) });
    const log = broker.channel('session:a/b');
    const s = log.create({ name: 'agent.response', data: '', headers: { 'ds-status': 'streaming' } });
    log.append(s, { data: 'hel', headers: { 'ds-status': 'streaming' } });
    log.append(s, { data: 'lo', headers: { 'ds-status': 'complete' } });
    broker.channel('other').create({ name: 'user.message', data: { text: 'x' } });
    store.close();
    const file = readdirSync(dataDir).find((f) => f.startsWith('session'))!;
    appendFileSync(join(dataDir, file), '{"channelSerial":"9999');

    const loaded = new ChannelStore({ dataDir }).loadAll();
    expect([...loaded.keys()].sort()).toEqual(['other', 'session:a/b']);
    const again = new Broker();
    again.channel('session:a/b').load(loaded.get('session:a/b')!);
    expect(again.channel('session:a/b').get(s)).toMatchObject({ data: 'hello', headers: { 'ds-status': 'complete' }, action: 'message.update' });
    expect(again.channel('session:a/b').channelSerial).toBe(log.channelSerial);
  });
});

describe('binary data on disk', () => {
  it('loads bytes back as bytes, and a JSON object that looks like a Buffer as that object', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ds-bin-'));
    dirs.push(dataDir);
    const store = new ChannelStore({ dataDir });
    const broker = new Broker({ onEvent: (ch, e) => store.append(ch, e) });
    const log = broker.channel('bin');
    const bytes = log.create({ name: 'b', data: Buffer.from([0, 255, 7]) });
    const lookalike = log.create({ name: 'j', data: { type: 'Buffer', data: [1] } });
    store.close();
    const again = new Broker();
    again.channel('bin').load(new ChannelStore({ dataDir }).loadAll().get('bin')!);
    const loaded = again.channel('bin').get(bytes)!.data;
    expect(Buffer.isBuffer(loaded) && [...loaded]).toEqual([0, 255, 7]);
    expect(again.channel('bin').get(lookalike)!.data).toEqual({ type: 'Buffer', data: [1] });
  });
});

describe('compaction on start', () => {
  it('rewrites a channel file of per-token appends as one line per message, and loses nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ds-compact-'));
    dirs.push(dataDir);
    const { createServer } = await import('../../src/server/index.js');
    const first = await createServer({ port: 0, dataDir });
    const log = first.broker.channel('session:long');
    const user = log.create({ name: 'user.message', data: { text: 'go' }, headers: { 'ds-turn': 't1' } });
    const r = log.create({ name: 'agent.response', data: '', headers: { 'ds-status': 'streaming' } });
    let text = '';
    for (let i = 0; i < 300; i++) {
      const w = `w${i} `;
      log.append(r, { data: w, headers: { 'ds-status': 'streaming', 'ds-offset': String(text.length) } });
      text += w;
    }
    log.append(r, { data: '', headers: { 'ds-status': 'complete', 'ds-offset': String(text.length) } });
    const before = log.get(r)!;
    await first.close();
    const file = join(dataDir, readdirSync(dataDir).find((f) => f.startsWith('session'))!);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(303);

    const second = await createServer({ port: 0, dataDir });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const again = second.broker.channel('session:long');
    expect(again.get(r)).toMatchObject({ data: text, version: before.version, action: 'message.update', headers: { 'ds-status': 'complete' } });
    expect(again.get(user)).toMatchObject({ data: { text: 'go' }, action: 'message.create' });
    // New serials still sort after everything loaded, versions included.
    const next = again.create({ name: 'user.message', data: { text: 'more' }, headers: { 'ds-turn': 't2' } });
    expect(next > before.version).toBe(true);
    await second.close();

    // A compacted file loads as it is, and is not rewritten again.
    const third = await createServer({ port: 0, dataDir });
    expect(third.broker.channel('session:long').get(r)).toMatchObject({ data: text });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    await third.close();
  });
});
