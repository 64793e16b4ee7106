// The `@example`s of durable-sessions/components, each inside a component that uses it the way an
// app would, so `npm run typecheck` proves they compile.
import { useState, type ReactNode } from 'react';
import { AgentBadge, Composer, DurableChat, MessageList, SteerInput, StopButton, StreamingMessage } from 'durable-sessions/components';
import { createAblyTransport } from 'durable-sessions/ably';

/** Stands for any markdown renderer that builds React elements. */
declare function Markdown(props: { children: string }): ReactNode;

const transport = createAblyTransport({ options: { authUrl: '/token' } });
export const App = () => <DurableChat sessionId="support-42" transport={transport} />;

export const Compound = () => (
  <DurableChat sessionId="s" transport={transport}>
    <MessageList />
    <Composer><StopButton /></Composer>
  </DurableChat>
);

export function ControlledComposer() {
  const [draft, setDraft] = useState('');
  return <Composer value={draft} onValueChange={setDraft} textareaProps={{ maxLength: 2000 }} />;
}

export const Steer = () => <SteerInput placeholder="e.g. cite sources" onSteer={(result) => result.ok || console.warn(result.error.message)} />;

export const Stop = () => <StopButton>{(state) => (state === 'stopping' ? 'Stopping…' : 'Stop')}</StopButton>;

export const Latest = () => <StreamingMessage responseId="latest" renderContent={(text) => <Markdown>{text}</Markdown>} />;

export const Badge = () => <AgentBadge agentId="researcher" name="Researcher" />;
