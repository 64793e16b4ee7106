import { act, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { describe, expect, it } from 'vitest';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createBroker } from '../../src/broker/index.js';
import { DurableSessionProvider, useAgentStream, useDurableSession } from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';

function Chat() {
  const { send, status } = useDurableSession();
  const { text, status: rs } = useAgentStream();
  return (
    <div>
      <button onClick={() => void send('hi')}>send</button>
      <p data-testid="status">{status}</p>
      <p data-testid="resp">{rs}</p>
      <p data-testid="text">{text}</p>
    </div>
  );
}

describe('hooks smoke', () => {
  it('sends and streams the latest response under StrictMode', async () => {
    const broker = createBroker();
    const agent = createDemoAgent({ transport: createMemoryTransport({ broker, clientId: 'agent' }), sessionId: 's', tokensPerSecond: 1000, thinkMs: 0, tokens: 12 });
    await agent.start();
    const transport = createMemoryTransport({ broker, clientId: 'alice' });
    render(
      <StrictMode>
        <DurableSessionProvider sessionId="s" transport={transport}>
          <Chat />
        </DurableSessionProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(broker.channel('s').presence.size).toBe(2));
    await act(async () => screen.getByText('send').click());
    await waitFor(() => expect(screen.getByTestId('resp').textContent).toBe('complete'), { timeout: 5000 });
    expect(screen.getByTestId('text').textContent).toBe(demoTokens('hi', 12).join(' '));
    expect(broker.channel('s').presence.size).toBe(2);
  });
});
