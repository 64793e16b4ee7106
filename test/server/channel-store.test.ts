import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
    log.append(s, 'hel', { 'ds-status': 'streaming' });
    log.append(s, 'lo', { 'ds-status': 'complete' });
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
