// The ably SDK with its defaults in Chromium against the local server, and an agent that only has
// Ably.Rest (a route handler, a queue consumer) streaming a whole response into a tab.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as Ably from 'ably';
import { build } from '../src/core/build-event.js';
import { EventName } from '../src/core/protocol.js';
import { createServer, type LocalServer } from '../src/server/index.js';
import { newSessionId, openSession, send, textOf } from './fixtures.js';

const ablyBundle = readFileSync(join(process.cwd(), 'node_modules/ably/build/ably.js'), 'utf8');

/** Loads the SDK's browser build into a page of the app's origin, as a script tag would. */
async function withAbly(page: Page): Promise<void> {
  await page.goto('/api/config');
  await page.addScriptTag({ content: ablyBundle });
}

type BrowserAbly = typeof Ably;

test('a browser client with only key, endpoint, port and tls connects, publishes, appends, reads history, shows presence and resumes', async ({ page }) => {
  const server: LocalServer = await createServer({ port: 0 });
  const node = new Ably.Realtime({ key: server.keys[0], endpoint: 'localhost', port: server.port, tls: false, clientId: 'node' });
  try {
    await withAbly(page);
    const nodeSeen: Ably.InboundMessage[] = [];
    const nch = node.channels.get('browser-defaults');
    await nch.subscribe((m) => nodeSeen.push(m));

    const first = await page.evaluate(
      async ({ key, port }) => {
        const A = (window as unknown as { Ably: BrowserAbly }).Ably;
        const client = new A.Realtime({ key, endpoint: 'localhost', port, tls: false, clientId: 'browser' });
        (window as unknown as { client: Ably.Realtime }).client = client;
        await client.connection.once('connected');
        const ch = client.channels.get('browser-defaults');
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        await ch.subscribe((m) => seen.push(`${m.action}:${String(m.data)}`));
        await ch.presence.enter({ kind: 'user' });
        const { serials } = await ch.publish({ name: 'agent.response', data: '', extras: { headers: { 'ds-status': 'streaming' } } });
        await ch.appendMessage({ serial: serials[0]!, data: 'from ', extras: { headers: { 'ds-status': 'streaming' } } });
        await ch.appendMessage({ serial: serials[0]!, data: 'Chromium', extras: { headers: { 'ds-status': 'complete' } } });
        const history = await ch.history();
        const members = await ch.presence.get();
        const internals = client as unknown as { options: { useBinaryProtocol: boolean }; connection: { connectionManager: { activeProtocol: { getTransport(): { shortName: string } } } } };
        return {
          id: client.connection.id,
          binary: internals.options.useBinaryProtocol,
          transport: internals.connection.connectionManager.activeProtocol.getTransport().shortName,
          history: history.items.map((m) => [m.action, m.data]),
          members: members.map((m) => m.clientId),
        };
      },
      { key: server.keys[0], port: server.port },
    );
    expect(first.transport).toBe('web_socket');
    expect(first.binary).toBe(false);
    expect(first.history).toEqual([['message.update', 'from Chromium']]);
    expect(first.members).toEqual(['browser']);
    await expect.poll(() => nodeSeen.map((m) => `${m.action}:${String(m.data)}`)).toEqual(['message.create:', 'message.append:from ', 'message.append:Chromium']);
    await expect.poll(async () => (await nch.presence.get()).map((m) => m.clientId)).toEqual(['browser']);

    // Cut the browser's socket and publish while it is away: it must resume the same connection.
    let release!: () => void;
    const outage = new Promise<void>((r) => (release = r));
    expect(server.dropConnection(first.id!, 'now', { holdUntil: outage })).toBe(true);
    await expect.poll(() => page.evaluate(() => (window as unknown as { client: Ably.Realtime }).client.connection.state)).not.toBe('connected');
    await nch.publish('note', 'sent while away');
    release();
    await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen.at(-1))).toBe('message.create:sent while away');
    const after = await page.evaluate(() => {
      const client = (window as unknown as { client: Ably.Realtime }).client;
      return { id: client.connection.id, state: client.connection.state, seen: (window as unknown as { seen: string[] }).seen };
    });
    expect(after).toEqual({ id: first.id, state: 'connected', seen: ['message.create:', 'message.append:from ', 'message.append:Chromium', 'message.create:sent while away'] });
  } finally {
    node.close();
    await server.close();
  }
});

test('an agent with only Ably.Rest streams a whole response into a session a tab renders', async ({ page }) => {
  const sid = newSessionId();
  const session = `session:${sid}`;
  await openSession(page, sid);
  await send(page, 'a question for the REST agent in 5 words');
  const rest = new Ably.Rest({ key: 'demo.local:local-demo-secret', endpoint: 'localhost', port: Number(process.env.DS_E2E_SERVER_PORT ?? 8799), tls: false, clientId: 'agent-rest' });
  const ch = rest.channels.get(session);
  let turnId: string | undefined;
  await expect
    .poll(async () => {
      const page = await ch.history({ direction: 'forwards' });
      turnId = page.items.map((m) => (m.extras as { headers?: Record<string, string> } | undefined)?.headers?.['ds-turn']).find((t, i) => t && page.items[i].name === EventName.UserMessage);
      return turnId;
    })
    .toBeTruthy();

  const p = { responseId: `rest-${sid}`, agentId: 'rest-agent', turnId: turnId! };
  const create = build.responseCreate({ ...p, status: 'streaming' });
  const { serials } = await ch.publish({ id: create.id, name: create.name, data: create.data, extras: { headers: create.headers } });
  const serial = serials[0]!;
  const words = ['Published ', 'over ', 'REST, ', 'one ', 'append ', 'at ', 'a ', 'time.'];
  const response = page.locator(`[data-ds-streaming-message][data-response-id="${p.responseId}"]`);
  let offset = 0;
  for (const [i, word] of words.entries()) {
    const status = i === words.length - 1 ? 'complete' : 'streaming';
    await ch.appendMessage({ serial, data: word, extras: { headers: build.responseHeaders({ ...p, status, offset }) } } as Ably.Message);
    offset += word.length;
    if (i === 3) {
      // Part-way, the tab shows the text so far, still streaming.
      await expect(response).toHaveAttribute('data-status', 'streaming');
      await expect.poll(() => textOf(response)).toBe(words.slice(0, 4).join(''));
    }
  }
  await expect(response).toHaveAttribute('data-status', 'complete');
  expect(await textOf(response)).toBe(words.join(''));
  await expect(response).toHaveAttribute('data-agent-id', 'rest-agent');
});
