// The `@example`s of durable-sessions/components, each inside a component that uses it the way an
// app would, so `npm run typecheck` proves they compile.
import { useState, type ReactNode } from 'react';
import { AgentBadge, ApprovalPrompt, BranchPicker, Composer, DurableChat, FileAttachment, MessageList, Reasoning, Sources, SteerInput, StopButton, StreamingMessage, ToolCall } from 'durable-sessions/components';
import type { ReasoningPart, ResponsePart, SourcePart, ToolCallPart } from 'durable-sessions';
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

/** Stands for an app's own view of a tool's result. */
declare function WeatherCard(props: { data: unknown }): ReactNode;

export const Tool = ({ id }: { id: string }) => <ToolCall toolCallId={id} renderers={{ weather: (p) => <WeatherCard data={p.output} /> }} />;

export const Approval = ({ part }: { part: ToolCallPart }) => <ApprovalPrompt toolCallId={part.toolCallId} labels={{ approve: 'Send it' }} />;

export const Thinking = ({ part }: { part: ReasoningPart }) => <Reasoning part={part} formatSummary={(p) => (p.state === 'done' ? 'Reasoned' : 'Reasoning…')} />;

export const Cited = ({ parts }: { parts: ResponsePart[] }) => <Sources sources={parts.filter((p): p is SourcePart => p.type === 'source')} />;

export const MapFile = () => <FileAttachment file={{ mediaType: 'image/png', url: 'https://example.com/map.png', name: 'Map' }} />;

export const Edits = ({ id }: { id: string }) => <BranchPicker messageKey={id} labels={{ group: 'Edits' }} />;

export const ReadOnlyThread = () => <MessageList allowEditing={false} threadLabels={{ loadOlder: 'Show older' }} />;
