import { StrictMode, useState } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Ably from 'ably';
import { AblyProvider, ChannelProvider, useChannel, usePresence, usePresenceListener } from 'ably/react';
import { createServer, type LocalServer } from '../../src/server/index.js';

// An ecosystem check: Ably's own React bindings, unmodified, against the local server.

let server: LocalServer;
const clients: Ably.Realtime[] = [];

function client(clientId: string): Ably.Realtime {
  const c = new Ably.Realtime({ ...(server.clientOptions({ browser: true }) as Ably.ClientOptions), clientId, logLevel: 0 });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  server = await createServer({ port: 0 });
});

afterEach(async () => {
  // Close the clients before unmounting: usePresence's cleanup leaves without handling a rejection,
  // and a leave racing ChannelProvider's detach would surface as an unhandled error.
  await Promise.all(
    clients.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.connection.state === 'closed') return resolve();
          c.connection.once('closed', () => resolve());
          c.close();
        }),
    ),
  );
  cleanup();
  await server.close();
});

function Room({ channel }: { channel: string }) {
  const [lines, setLines] = useState<string[]>([]);
  useChannel(channel, (m) => setLines((prev) => [...prev, String(m.data)]));
  usePresence(channel, { kind: 'user', tabId: 'react-tab' });
  const { presenceData } = usePresenceListener(channel);
  return (
    <div>
      <ul aria-label="messages">
        {lines.map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      <p data-testid="members">{presenceData.map((p) => p.clientId).sort().join(',')}</p>
    </div>
  );
}

describe('ably/react against the local server', () => {
  it('AblyProvider + ChannelProvider + useChannel + usePresence work under StrictMode', async () => {
    const channel = 'session:react';
    const ui = client('react-user');
    const other = client('other');
    render(
      <StrictMode>
        <AblyProvider client={ui}>
          <ChannelProvider channelName={channel}>
            <Room channel={channel} />
          </ChannelProvider>
        </AblyProvider>
      </StrictMode>,
    );
    const och = other.channels.get(channel);
    await och.presence.enter({ kind: 'agent' });
    await waitFor(() => expect(screen.getByTestId('members').textContent).toBe('other,react-user'));
    // The other side sees the hook's presence entry exactly once despite StrictMode's double mount.
    const members = await och.presence.get();
    expect(members.filter((m) => m.clientId === 'react-user')).toHaveLength(1);
    expect(members.find((m) => m.clientId === 'react-user')!.data).toEqual({ kind: 'user', tabId: 'react-tab' });

    await act(async () => {
      await och.publish('user.message', 'first');
      await och.publish('user.message', 'second');
    });
    await waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['first', 'second']));

    await act(async () => {
      other.close();
    });
    await waitFor(() => expect(screen.getByTestId('members').textContent).toBe('react-user'));
  });
});
