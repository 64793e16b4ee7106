import { afterEach, describe, expect, it } from 'vitest';
import type * as Ably from 'ably';
import { connected, startServer, until, type TestServer } from './helpers.js';

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

describe('realtime over the ably SDK', () => {
  it('connects, publishes with an ACK carrying the serial, and delivers to a subscriber', async () => {
    t = await startServer();
    const a = t.client({ clientId: 'alice' });
    const b = t.client({ clientId: 'bob' });
    await Promise.all([connected(a), connected(b)]);
    const got: Ably.InboundMessage[] = [];
    const chB = b.channels.get('session:1');
    await chB.subscribe((m) => got.push(m));
    const res = await a.channels.get('session:1').publish({ name: 'user.message', data: { text: 'hi' }, extras: { headers: { 'ds-turn': 't1' } } });
    expect(res.serials[0]).toMatch(/^\d{14}-\d{3}@/);
    await until(() => got.length === 1, 'delivery');
    expect(got[0].data).toEqual({ text: 'hi' });
    expect(got[0].serial).toBe(res.serials[0]);
    expect(got[0].action).toBe('message.create');
    expect(got[0].clientId).toBe('alice');
    expect((got[0].extras as { headers: Record<string, string> }).headers).toEqual({ 'ds-turn': 't1' });
  });
});
