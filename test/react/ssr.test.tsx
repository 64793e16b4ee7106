// @vitest-environment node
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createBroker } from '../../src/broker/index.js';
import {
  DurableSessionProvider,
  useAgentStream,
  useConnectionState,
  useDurableSession,
  useMessageIds,
  usePresence,
  useSteer,
  useStopButton,
} from '../../src/react/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';

function Everything() {
  const { messages, status } = useDurableSession();
  const stream = useAgentStream();
  const stop = useStopButton();
  const steer = useSteer();
  const presence = usePresence();
  const connection = useConnectionState();
  const { ids } = useMessageIds();
  return (
    <p>
      {[messages.length, status, stream.status, stop.state, stop.canStop, steer.pending.length, presence.self.tabs.length, connection.status, ids.length].join(' ')}
    </p>
  );
}

describe('server rendering (node, no DOM)', () => {
  it('renders every hook under a provider with a transport factory, without a window and without calling the factory', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    let calls = 0;
    const factory = () => {
      calls++;
      return createMemoryTransport({ broker: createBroker(), clientId: 'alice' });
    };
    const html = renderToString(
      <DurableSessionProvider sessionId="ssr" transport={factory} device="Server">
        <Everything />
      </DurableSessionProvider>,
    );
    expect(calls).toBe(0);
    expect(html).toBe('<p>0 ready idle idle false 0 0 connecting 0</p>');
  });
});
