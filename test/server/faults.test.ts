import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Ably from 'ably';
import { seededRandom } from '../../src/core/random.js';
import { createServerFaults } from '../../src/server/index.js';
import { until } from '../helpers/until.js';
import { connected, startServer, stateChange, TextFold, type TestServer } from './helpers.js';

const headers = (status: string, offset: number) => ({ headers: { 'ds-status': status, 'ds-offset': String(offset) } });

let t: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('socket kills during streamed responses', () => {
  it('ends every one of 50 responses with exactly the publisher’s text', async () => {
    const SEED = 20251121;
    const random = seededRandom(SEED);
    t = await startServer();
    const agent = t.client({ clientId: 'agent' });
    const viewer = t.client({ clientId: 'viewer' });
    await Promise.all([connected(agent), connected(viewer)]);
    const fold = new TextFold();
    const vch = viewer.channels.get('session:fault');
    await vch.subscribe(fold.apply);
    const ach = agent.channels.get('session:fault');
    await ach.attach();
    const expected = new Map<string, string>();
    // The SDK retries at most once a second after a drop, so each kill costs about a second.
    let kills = 0;
    const kill = (c: Ably.Realtime, when: 'now' | 'before-next-ack'): void => {
      // Only a live socket can be cut; a client mid-reconnect is already "killed".
      if (c.connection.state === 'connected' && t!.server.dropConnection(c.connection.id!, when)) kills++;
    };

    for (let r = 0; r < 50; r++) {
      const { serials } = await ach.publish({ name: 'agent.response', data: '', extras: headers('streaming', 0) });
      const serial = serials[0]!;
      let text = '';
      const pending: Promise<unknown>[] = [];
      const chunks = 5 + Math.floor(random() * 20);
      for (let i = 0; i < chunks; i++) {
        const chunk = `r${r}c${i}:${Math.floor(random() * 1e6).toString(36)} `;
        const last = i === chunks - 1;
        // Appends are pipelined, not awaited one by one, so kills land between sent and acknowledged.
        pending.push(ach.appendMessage({ serial, data: chunk, extras: headers(last ? 'complete' : 'streaming', text.length) }));
        text += chunk;
        const roll = random();
        if (roll < 0.01) kill(agent, 'now');
        else if (roll < 0.02) kill(agent, 'before-next-ack');
        else if (roll < 0.03) kill(viewer, 'now');
      }
      await Promise.all(pending);
      expected.set(serial, text);
    }

    await until(() => [...expected.keys()].every((s) => fold.status.get(s) === 'complete'), 'every response complete at the viewer', { timeoutMs: 30_000 });
    expect(kills, `seed ${SEED}`).toBeGreaterThan(5);
    for (const [serial, text] of expected) expect(fold.text.get(serial), `seed ${SEED}, ${serial}`).toBe(text);

    let page = await vch.history({ direction: 'forwards', limit: 20 });
    const history = new Map<string, string>();
    for (;;) {
      for (const m of page.items) history.set(m.serial!, m.data as string);
      if (!page.hasNext()) break;
      page = (await page.next())!;
    }
    expect(history).toEqual(expected);
  }, 120_000);
});

describe('a fault object passed to createServer', () => {
  it('is the one the handle drives: an unresumable drop gives the client a new connection', async () => {
    const faults = createServerFaults();
    t = await startServer({ faults });
    const c = t.client();
    await connected(c);
    const before = c.connection.id!;
    expect(faults.dropConnection('no-such-connection')).toBe(false);
    expect(faults.dropConnection(before, 'unresumable')).toBe(true);
    await until(() => c.connection.state === 'connected' && c.connection.id !== before, 'a new connection after the drop');
    expect(t.server.dropConnection(c.connection.id!)).toBe(true);
  });
});

describe('restart with a data directory', () => {
  it('keeps history and finished responses; a mid-stream restart ends with the exact text', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ds-server-'));
    dirs.push(dataDir);
    const key = 'app.restart:secret-for-tests';
    t = await startServer({ dataDir, keys: [key] });
    const port = t.server.port;
    const agent = t.client({ clientId: 'agent' });
    const viewer = t.client({ clientId: 'viewer' });
    const ach = agent.channels.get('session:r');
    const vch = viewer.channels.get('session:r');
    const fold = new TextFold();
    await vch.subscribe(fold.apply);
    await ach.publish('user.message', { text: 'question' });
    const done = (await ach.publish({ name: 'agent.response', data: '', extras: headers('streaming', 0) })).serials[0]!;
    await ach.appendMessage({ serial: done, data: 'finished answer', extras: headers('complete', 0) });
    const live = (await ach.publish({ name: 'agent.response', data: '', extras: headers('streaming', 0) })).serials[0]!;
    let text = '';
    for (const c of ['one ', 'two ', 'three ']) {
      await ach.appendMessage({ serial: live, data: c, extras: headers('streaming', text.length) });
      text += c;
    }
    await until(() => fold.text.get(live) === text, 'viewer caught up before the restart');
    const viewerConnection = viewer.connection.id;

    const reattached = stateChange(vch, 'attached');
    await t.server.close();
    t = await startServer({ dataDir, keys: [key], port });
    // The old clients are still the old helper's; the new one closes the server only.
    const change = await reattached;
    expect(change.resumed).toBe(false);
    await connected(viewer);
    expect(viewer.connection.id).not.toBe(viewerConnection);

    for (const c of ['four ', 'five']) {
      await ach.appendMessage({ serial: live, data: c, extras: headers(c === 'five' ? 'complete' : 'streaming', text.length) });
      text += c;
    }
    await until(() => fold.status.get(live) === 'complete', 'final append after the restart');
    // The viewer missed nothing it could not recover: the first post-restart delivery carried the whole text.
    expect(fold.text.get(live)).toBe(text);
    const page = await vch.history({ direction: 'forwards' });
    expect(page.items.map((m) => [m.name, m.data])).toEqual([
      ['user.message', { text: 'question' }],
      ['agent.response', 'finished answer'],
      ['agent.response', 'one two three four five'],
    ]);
    agent.close();
    viewer.close();
  });
});
