// The README's "Already on useChat?" block, type-checked: the transport, the thread loaded before
// useChat mounts, and follow() for other tabs. The rest of the app's useChat code stays as it was.
import { useChat } from '@ai-sdk/react';
import { lastAssistantMessageIsCompleteWithApprovalResponses } from 'ai';
import { useEffect } from 'react';
import { createAblyTransport } from 'durable-sessions/ably';
import { createDurableChatTransport } from 'durable-sessions/ai-sdk';

declare function ChatView(props: ReturnType<typeof useChat>): React.ReactNode;

const sessionId = 'session:42';
const transport = createDurableChatTransport({ sessionId, transport: () => createAblyTransport({ options: { authUrl: '/api/token' } }) });
const initial = await transport.messages(); // the thread so far — after a reload too

export function Support() {
  const chat = useChat({ id: sessionId, transport, messages: initial, resume: true,
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses });
  useEffect(() => transport.follow(chat), [chat.setMessages, chat.resumeStream]);
  return <ChatView {...chat} />;
}
