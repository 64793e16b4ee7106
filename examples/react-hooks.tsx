// The `@example`s of durable-sessions/react, each inside a component that uses it the way an app
// would, so `npm run typecheck` proves they compile.
import { DurableChat } from 'durable-sessions/components';
import { createAblyTransport } from 'durable-sessions/ably';
import { DurableSessionProvider, useAgentStream, useApproval, useConnectionState, useDurableSession, useMessage, useMessageIds, usePresence, useResponseVersions, useSteer, useStopButton, useThread, useBranches, useToolCall } from 'durable-sessions/react';

export const Provider = () => (
  <DurableSessionProvider sessionId="support-42" transport={() => createAblyTransport({ options: { authUrl: '/token' } })}>
    <DurableChat />
  </DurableSessionProvider>
);

export function Chat() {
  const { messages, send, status, cancel, error, clearError } = useDurableSession({
    onError: (e) => console.warn(e.code, e.message),
    onFinish: (response) => console.info(`${response.agentId} ended ${response.status}`),
  });
  return (
    <div data-status={status}>
      {messages.map((m) => (
        <p key={m.key}>{m.text}</p>
      ))}
      {error && <button onClick={clearError}>{error.message}</button>}
      <button onClick={() => void send('hello')}>Send</button>
      <button onClick={() => void cancel()}>Cancel</button>
    </div>
  );
}

export function Latest() {
  const { text, status } = useAgentStream({ responseId: 'latest' });
  return <p data-status={status}>{text}</p>;
}

export function Stop() {
  const { state, canStop, stop } = useStopButton();
  return <button onClick={stop} disabled={!canStop} data-state={state}>Stop</button>;
}

export function Steer() {
  const { steer, lastAck, canSteer } = useSteer();
  return (
    <>
      <button disabled={!canSteer} onClick={() => void steer('shorter, and in French')}>Shorter, in French</button>
      {lastAck && <p>{lastAck.status}</p>}
    </>
  );
}

export function Presence() {
  const { self, others, agents } = usePresence();
  const summary = `You on ${self.tabs.length} tabs · ${others.length} others · ${agents.length} agents`;
  return <p>{summary}</p>;
}

export function Connection() {
  const { status, lastResumedAt } = useConnectionState({
    onDiscontinuity: () => console.info('caught up from history'),
  });
  return <p data-status={status}>{lastResumedAt === undefined ? 'never resumed' : 'resumed'}</p>;
}

function Row({ id }: { id: string }) {
  const { message } = useMessage({ key: id });
  return <li>{message?.text}</li>;
}

export function Thread() {
  const { ids } = useMessageIds();
  return (
    <ol>
      {ids.map((id) => (
        <Row key={id} id={id} />
      ))}
    </ol>
  );
}

export function ToolApproval({ toolCallId }: { toolCallId: string }) {
  const { toolCall, approve } = useToolCall({ toolCallId });
  if (toolCall?.state === 'awaiting-approval') return <button onClick={() => void approve()}>Approve</button>;
  return <p>{toolCall?.state}</p>;
}

export function ApprovalInbox() {
  const { pending, approve } = useApproval();
  const buttons = pending.map(({ part }) => <button key={part.id} onClick={() => void approve(part.toolCallId)}>Allow {part.toolName}</button>);
  return <div>{buttons}</div>;
}

export function Versions({ responseId }: { responseId: string }) {
  const { index, count, select, selected } = useResponseVersions({ responseId });
  const { retry } = useDurableSession();
  return (
    <div>
      <button disabled={index === 0} onClick={() => select(index - 1)}>‹</button> {index + 1} / {count}
      <p>{selected?.text}</p>
      {selected?.status === 'interrupted' && <button onClick={() => void retry(selected.responseId)}>Retry</button>}
    </div>
  );
}

export function BranchingThread() {
  const { messages, hasOlder, loadOlder, loadingOlder, edit } = useThread();
  return (
    <ol>
      {hasOlder && (
        <li>
          <button disabled={loadingOlder} onClick={() => void loadOlder()}>
            {loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
          </button>
        </li>
      )}
      {messages.map((m) => (
        <li key={m.key}>
          {m.text}
          {m.kind === 'user' && <button onClick={() => void edit(m.key, `${m.text} (in French)`)}>Edit</button>}
          <Branches messageKey={m.key} />
        </li>
      ))}
    </ol>
  );
}

export function Branches({ messageKey: key }: { messageKey: string }) {
  const { index, count, select } = useBranches({ key });
  if (count < 2) return null;
  return (
    <span>
      <button disabled={index === 0} onClick={() => select(index - 1)}>‹</button> {index + 1} / {count}
      <button disabled={index === count - 1} onClick={() => select(index + 1)}>›</button>
    </span>
  );
}
