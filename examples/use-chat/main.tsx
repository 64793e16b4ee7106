// The useChat example page against the local server (`npm start`): a token endpoint signs the
// browser's access, the agent host is asked to serve the session, and the thread loads before useChat mounts.
import { createDurableChatTransport } from 'durable-sessions/ai-sdk';
import { createAblyTransport } from 'durable-sessions/ably';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Chat } from './chat.js';

interface Config {
  mode: 'local' | 'ably';
  host?: string;
  port?: number;
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const sessionId = `session:${params.get('s') ?? Math.random().toString(36).slice(2, 10)}`;
  const clientId = params.get('user') ?? 'use-chat-user';
  const config = (await (await fetch('/api/config')).json()) as Config;
  const ably = createAblyTransport({
    options: {
      clientId,
      authUrl: `/api/token?clientId=${encodeURIComponent(clientId)}`,
      transports: ['web_socket'],
      ...(config.mode === 'local' ? { endpoint: config.host, port: config.port, tls: false, disableConnectivityCheck: true } : {}),
    },
  });
  await ably.channel('lobby').publish({ name: 'session.open', data: { sessionId } });
  const transport = createDurableChatTransport({ sessionId, transport: ably });
  const initial = await transport.messages();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Chat id={sessionId} transport={transport} initial={initial} />
    </StrictMode>,
  );
}

void boot();
