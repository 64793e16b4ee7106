// First: it wraps the WebSocket class before the ably SDK loads and keeps a reference to it.
import './offline-switch.js';
import * as Ably from 'ably';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DurableChat } from '../src/components/index.js';
import '../src/components/styles.css';
import { randomId } from '../src/core/ids.js';
import { DurableSessionProvider } from '../src/react/index.js';
import { createAblyTransport, type AblyTransport } from '../src/transports/ably.js';
import './demo.css';
import { TryIt } from './try-it.js';

type DemoConfig = { mode: 'local'; host: string; port: number; devAgents?: boolean } | { mode: 'ably' };

/** The session lives in the URL, so copying the URL into another tab or browser joins it. */
function sessionFromUrl(): string {
  const url = new URL(window.location.href);
  let id = url.searchParams.get('s');
  if (!id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    id = randomId().slice(0, 10);
    url.searchParams.set('s', id);
    window.history.replaceState(null, '', url);
  }
  return id;
}

/** One user per browser profile: tabs of one browser are "you on N tabs", another browser is someone else. */
function userId(): string {
  const key = 'durable-sessions-demo-user';
  let id = window.localStorage.getItem(key);
  if (!id) {
    id = `user-${randomId().slice(0, 6)}`;
    window.localStorage.setItem(key, id);
  }
  return id;
}

function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'device';
  return `${browser} on ${os}`;
}

function connect(config: DemoConfig, clientId: string): AblyTransport {
  const options: Ably.ClientOptions = {
    clientId,
    // The token endpoint signs a token request limited to sessions and the lobby: no key in the page.
    authUrl: `/api/token?clientId=${encodeURIComponent(clientId)}`,
    transports: ['web_socket'],
    ...(config.mode === 'local' ? { endpoint: config.host, port: config.port, tls: false, disableConnectivityCheck: true } : {}),
  };
  return createAblyTransport({ options });
}

function App() {
  const [state, setState] = useState<{ transport: AblyTransport; sessionId: string; clientId: string; devAgents: boolean } | { error: string } | null>(null);
  useEffect(() => {
    let transport: AblyTransport | undefined;
    // StrictMode runs this effect twice; only the surviving run may open a connection.
    let cancelled = false;
    const sessionId = `session:${sessionFromUrl()}`;
    const clientId = userId();
    fetch('/api/config')
      .then((r) => {
        if (!r.ok) throw new Error(`/api/config answered ${r.status}`);
        return r.json() as Promise<DemoConfig>;
      })
      .then((config) => {
        if (cancelled) return;
        transport = connect(config, clientId);
        // Ask the agent host to serve this session; it ignores repeats.
        void transport.channel('lobby').publish({ name: 'session.open', data: { sessionId } }).catch((e: unknown) => {
          setState({ error: `Could not reach the agents: ${e instanceof Error ? e.message : String(e)}` });
        });
        setState({ transport, sessionId, clientId, devAgents: config.mode === 'local' && config.devAgents === true });
      })
      .catch((e: unknown) => setState({ error: `Could not load the demo configuration: ${e instanceof Error ? e.message : String(e)}. Is npm start running?` }));
    return () => {
      cancelled = true;
      void transport?.close();
    };
  }, []);

  if (state === null) return <p className="hint">Connecting…</p>;
  if ('error' in state) return <p className="error" role="alert">{state.error}</p>;
  return (
    <main className="demo">
      <header>
        <h1>durable-sessions demo</h1>
        <p className="hint">
          Session <code data-testid="session-id">{state.sessionId}</code> · you are <code>{state.clientId}</code>
        </p>
      </header>
      <DurableSessionProvider sessionId={state.sessionId} transport={state.transport} device={deviceLabel()} name={state.clientId}>
        <TryIt devAgents={state.devAgents} />
        <DurableChat label="Demo chat" placeholder="Ask anything; mention @reviewer for a second agent" />
      </DurableSessionProvider>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
