import { describe, expect, it } from 'vitest';
import { serveSessions, SESSION_OPEN } from '../../src/agent/index.js';
import { createDemoAgent, demoTokens } from '../../src/agent/demo/index.js';
import { createMemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker, responses } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

describe('serveSessions', () => {
  it('starts agents for each session announced on the lobby, once per session', async () => {
    const broker = createBroker();
    const agentTransport = createMemoryTransport({ broker, clientId: 'agent-host' });
    const created: string[] = [];
    const host = await serveSessions({
      transport: agentTransport,
      createAgents: (sessionId) => {
        created.push(sessionId);
        return [createDemoAgent({ transport: agentTransport, sessionId, tokensPerSecond: 2000, thinkMs: 0, tokens: 8 })];
      },
    });
    const { transport, ctrl } = client(broker, 'alice', 'session:a');
    const lobby = transport.channel('lobby');
    await lobby.publish({ name: SESSION_OPEN, data: { sessionId: 'session:a' } });
    await lobby.publish({ name: SESSION_OPEN, data: { sessionId: 'session:a' } });
    await lobby.publish({ name: SESSION_OPEN, data: { sessionId: '../etc/passwd' } });
    await until(() => host.sessions.size, 'one session served', { ok: (n) => n === 1 });
    await until(() => broker.channel('session:a').presence.size, 'agent present', { ok: (n) => n === 1 });
    await ctrl.acquire();
    await ctrl.send('ping');
    const s = await until(() => ctrl.store.getState(), 'answer', { ok: (s) => responses(s)[0]?.status === 'complete' });
    expect(responses(s)[0].text).toBe(demoTokens('ping', 8).join(' '));
    expect(created).toEqual(['session:a']);
    await host.stop();
  });
});
