import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createRef, useState, type ComponentType, type ReactNode, type RefObject } from 'react';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import { microtaskScheduler } from '../../src/core/index.js';
import {
  AgentBadge,
  ChatRoot,
  Composer,
  ConnectionBanner,
  DurableChat,
  MessageList,
  PresenceBar,
  SteerInput,
  StopButton,
  StreamingMessage,
} from '../../src/components/index.js';
import { DurableSessionProvider } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { eventNames } from './support.js';

const SESSION = 'components';

function session(children: ReactNode, broker = createBroker()) {
  return (
    <DurableSessionProvider sessionId={SESSION} transport={createMemoryTransport({ broker, clientId: 'alice' })} options={{ scheduler: microtaskScheduler }}>
      {children}
    </DurableSessionProvider>
  );
}

describe('components forward their ref to their outer element', () => {
  // Each part with the attribute that marks its outer element.
  const parts: [string, ComponentType<{ ref: RefObject<HTMLElement | null> }>, string][] = [
    ['AgentBadge', (p) => <AgentBadge {...p} agentId="writer" />, 'data-ds-agent-badge'],
    ['ChatRoot', (p) => <ChatRoot {...p} />, 'data-ds-chat'],
    ['DurableChat', (p) => <DurableChat {...p} />, 'data-ds-chat'],
    ['Composer', (p) => <Composer {...(p as { ref: RefObject<HTMLFormElement | null> })} />, 'data-ds-composer'],
    ['ConnectionBanner', (p) => <ConnectionBanner {...(p as { ref: RefObject<HTMLDivElement | null> })} />, 'data-ds-connection-banner'],
    ['MessageList', (p) => <MessageList {...p} />, 'data-ds-message-list'],
    ['PresenceBar', (p) => <PresenceBar {...(p as { ref: RefObject<HTMLDivElement | null> })} />, 'data-ds-presence-bar'],
    ['SteerInput', (p) => <SteerInput {...(p as { ref: RefObject<HTMLFormElement | null> })} />, 'data-ds-steer-input'],
    ['StopButton', (p) => <StopButton {...(p as { ref: RefObject<HTMLButtonElement | null> })} />, 'data-ds-stop-button'],
    ['StreamingMessage', (p) => <StreamingMessage {...p} />, 'data-ds-streaming-message'],
  ];
  it.each(parts)('%s', (_name, Part, marker) => {
    const ref = createRef<HTMLElement>();
    render(session(<Part ref={ref} />));
    expect(ref.current?.hasAttribute(marker)).toBe(true);
  });

  it('and each has a displayName', () => {
    const named = [AgentBadge, ChatRoot, Composer, ConnectionBanner, DurableChat, MessageList, PresenceBar, SteerInput, StopButton, StreamingMessage];
    expect(named.map((c) => c.displayName)).toEqual(['AgentBadge', 'ChatRoot', 'Composer', 'ConnectionBanner', 'DurableChat', 'MessageList', 'PresenceBar', 'SteerInput', 'StopButton', 'StreamingMessage']);
  });
});

describe('Composer', () => {
  function Controlled({ log }: { log: string[] }) {
    const [draft, setDraft] = useState('kept by the app');
    return (
      <>
        <Composer
          value={draft}
          onValueChange={(v) => {
            log.push(v);
            setDraft(v.toUpperCase());
          }}
        />
        <p data-testid="draft">{draft}</p>
      </>
    );
  }

  it('controlled: renders the app value, reports every change, sends the app value and asks for an empty box', async () => {
    const broker = createBroker();
    const log: string[] = [];
    render(session(<Controlled log={log} />, broker));
    const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    expect(box.value).toBe('kept by the app');
    fireEvent.change(box, { target: { value: 'hello' } });
    expect(box.value).toBe('HELLO');
    await act(async () => fireEvent.keyDown(box, { key: 'Enter' }));
    expect(log).toEqual(['hello', '']);
    expect(box.value).toBe('');
    await waitFor(() => expect(eventNames(broker, SESSION)).toEqual(['user.message']));
    expect(broker.channel(SESSION).history({ limit: 1 }).items[0].data).toMatchObject({ text: 'HELLO' });
  });

  it('uncontrolled: starts from defaultValue; a textarea onKeyDown that prevents Enter keeps the message', async () => {
    const broker = createBroker();
    const changes: string[] = [];
    render(session(<Composer defaultValue="draft" onValueChange={(v) => changes.push(v)} textareaProps={{ onKeyDown: (e) => e.preventDefault() }} />, broker));
    const box = screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' });
    expect(box.value).toBe('draft');
    await act(async () => fireEvent.keyDown(box, { key: 'Enter' }));
    expect(box.value).toBe('draft');
    expect(changes).toEqual([]);
    await act(async () => screen.getByRole('button', { name: 'Send' }).click());
    expect(box.value).toBe('');
    expect(changes).toEqual(['']);
    await waitFor(() => expect(eventNames(broker, SESSION)).toEqual(['user.message']));
  });
});

describe('SteerInput', () => {
  it('controlled: renders the app value and reports typing; inputProps reach the field', () => {
    function Controlled() {
      const [text, setText] = useState('in French');
      return (
        <>
          <SteerInput value={text} onValueChange={setText} inputProps={{ maxLength: 40 }} buttonProps={{ title: 'steer now' }} />
          <p data-testid="text">{text}</p>
        </>
      );
    }
    render(session(<Controlled />));
    const field = screen.getByRole<HTMLInputElement>('textbox', { name: 'Steer the response' });
    expect(field.value).toBe('in French');
    expect(field.maxLength).toBe(40);
    expect(screen.getByRole('button', { name: 'Steer' }).title).toBe('steer now');
    fireEvent.change(field, { target: { value: 'shorter' } });
    expect(screen.getByTestId('text').textContent).toBe('shorter');
    expect(field.value).toBe('shorter');
  });
});
