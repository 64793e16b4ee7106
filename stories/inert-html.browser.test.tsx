/**
 * Agent text, user text, steer text and presence names are untrusted. In real Chromium, every
 * component must show them as text: no element is created from them and no script runs.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { createAgent } from '../src/agent/index.js';
import { createBroker } from '../src/broker/index.js';
import { AgentBadge, DurableChat, StreamingMessage } from '../src/components/index.js';
import '../src/components/styles.css';
import { DurableSessionProvider } from '../src/react/index.js';
import { createMemoryTransport } from '../src/transports/memory.js';
import { scriptedHandler } from './support/demo-world.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Pwned = { __pwned?: string[] };
const pwned = () => (window as unknown as Pwned).__pwned ?? [];
const payload = (tag: string) =>
  `<img src=x onerror="(window.__pwned=window.__pwned||[]).push('${tag}-img')">` +
  `<script>(window.__pwned=window.__pwned||[]).push('${tag}-script')</script>` +
  `<svg onload="(window.__pwned=window.__pwned||[]).push('${tag}-svg')"></svg>` +
  `<a href="javascript:(window.__pwned=window.__pwned||[]).push('${tag}-link')">x</a>`;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.replaceChildren();
  delete (window as unknown as Pwned).__pwned;
});

/** Short enough for presence fields (at most 200 characters are kept). */
const short = (tag: string) => `<img src=x onerror="window.__pwned=['${tag}']">`;

/** Elements a payload would create if it were parsed as HTML. */
const injected = (scope: Element) => scope.querySelectorAll('img, script, iframe, svg, object, embed, a[href^="javascript"]');

test('hostile agent text, user text, steer text and presence names render inert in every component', async () => {
  const broker = createBroker();
  const sessionId = 'hostile';
  const agentText = `${payload('agent')} and then some more words to stream so a steer can land while it runs `.repeat(3);
  const agent = createAgent({
    transport: createMemoryTransport({ broker, clientId: 'agent-x' }),
    sessionId,
    agentId: 'x',
    name: short('agent-name'),
    handler: scriptedHandler(agentText, 60),
  });
  await agent.start();
  // Another "user" whose name and device are hostile.
  await createMemoryTransport({ broker, clientId: 'mallory' }).channel(sessionId).presence.enter({ kind: 'user', name: short('name'), device: short('device') });

  const container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  const transport = createMemoryTransport({ broker, clientId: 'you' });
  act(() =>
    root!.render(
      <DurableSessionProvider sessionId={sessionId} transport={transport}>
        <DurableChat label="Hostile chat" />
        <StreamingMessage responseId="latest" data-testid="standalone" />
        <AgentBadge agentId={short('badge-id')} name={short('badge-name')} />
      </DurableSessionProvider>,
    ),
  );
  const chat = document.querySelector<HTMLElement>('[data-ds-chat]')!;
  await expect.poll(() => chat.textContent ?? '', { timeout: 20_000 }).toContain('<img src=x onerror=');

  await userEvent.fill(page.getByRole('textbox', { name: 'Message' }), payload('user'));
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => chat.querySelector('[data-ds-streaming-message]')?.getAttribute('data-status'), { timeout: 20_000 }).toBe('streaming');
  await userEvent.fill(page.getByRole('textbox', { name: 'Steer the response' }), payload('steer'));
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => chat.querySelector('[data-ds-streaming-message]')?.getAttribute('data-status'), { timeout: 30_000 }).toBe('complete');

  const response = chat.querySelector('[data-ds-streaming-message] [data-part="content"]')!;
  expect(response.textContent).toBe(agentText);
  expect(chat.querySelector('[data-ds-user-message] [data-part="content"]')!.textContent).toBe(payload('user'));
  expect(chat.querySelector('[data-ds-steer-input]')!.textContent).toContain(payload('steer'));
  expect(chat.querySelector('[data-ds-presence-bar]')!.textContent).toContain(short('name'));
  expect(document.querySelector('[data-ds-agent-badge][data-agent-id^="<img"]')!.textContent).toContain(short('badge-name'));
  // A real image with the payload's broken source: once its error event has fired, an injected
  // `<img onerror>` would have fired too, so checking after it proves none did.
  await new Promise<void>((resolve) => {
    const probe = new Image();
    probe.onerror = () => resolve();
    probe.src = 'x';
  });
  expect(injected(document.body)).toHaveLength(0);
  expect(pwned()).toEqual([]);
  await agent.stop();
});
