// An ordinary useChat UI — nothing in it knows about durable sessions except the transport it is
// given. Tool approvals use useChat's own addToolApprovalResponse.
import { useChat } from '@ai-sdk/react';
import { lastAssistantMessageIsCompleteWithApprovalResponses, type UIMessage } from 'ai';
import { useEffect, useState } from 'react';
import type { DurableChatTransport } from 'durable-sessions/ai-sdk';

export function Chat({ id, transport, initial }: { id: string; transport: DurableChatTransport; initial: UIMessage[] }) {
  const { messages, sendMessage, status, stop, addToolApprovalResponse, setMessages, resumeStream } = useChat({
    id,
    transport,
    messages: initial,
    resume: true,
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  // Messages and answers that start in other tabs appear here too.
  useEffect(() => transport.follow({ setMessages, resumeStream }), [transport, setMessages, resumeStream]);
  const [input, setInput] = useState('');
  return (
    <main data-status={status}>
      {messages.map((m) => (
        <article key={m.id} data-role={m.role} data-id={m.id}>
          {m.parts.map((p, i) => {
            if (p.type === 'text') return <p key={i} data-part="text">{p.text}</p>;
            if (p.type === 'reasoning') return <details key={i}><summary>Thinking</summary>{p.text}</details>;
            if (p.type.startsWith('tool-') && 'state' in p && p.state === 'approval-requested')
              return (
                <div key={i} data-part="approval">
                  {p.type.slice(5)} wants to run.{' '}
                  <button onClick={() => void addToolApprovalResponse({ id: p.approval.id, approved: true })}>Approve</button>
                  <button onClick={() => void addToolApprovalResponse({ id: p.approval.id, approved: false })}>Deny</button>
                </div>
              );
            if (p.type.startsWith('tool-') && 'state' in p) return <pre key={i} data-part="tool">{p.type.slice(5)}: {p.state}</pre>;
            return null;
          })}
        </article>
      ))}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!input.trim()) return;
          void sendMessage({ text: input });
          setInput('');
        }}
      >
        <input aria-label="Message" value={input} onChange={(e) => setInput(e.target.value)} />
        <button type="submit">Send</button>
        <button type="button" onClick={() => void stop()} disabled={status !== 'streaming' && status !== 'submitted'}>
          Stop
        </button>
      </form>
    </main>
  );
}
