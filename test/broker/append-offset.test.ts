import { describe, expect, it } from 'vitest';
import { BrokerError, ChannelLog, type Delivery } from '../../src/broker/index.js';
import { build } from '../../src/core/protocol.js';

const h = (offset: number, status: 'streaming' | 'complete' = 'streaming') =>
  build.responseHeaders({ responseId: 'r1', agentId: 'a', turnId: 't1', status, offset });

function setup() {
  const log = new ChannelLog('s');
  const serial = log.create(build.responseCreate({ responseId: 'r1', agentId: 'a', turnId: 't1', status: 'streaming' }));
  const live: Delivery[] = [];
  log.attach((d) => live.push(d), {});
  return { log, serial, live };
}

describe('appends that carry ds-offset', () => {
  it('ignore a republished append the log already holds, so the aggregate never doubles', () => {
    const { log, serial, live } = setup();
    log.append(serial, 'Hello', h(0));
    log.append(serial, ' world', h(5));
    const v = log.get(serial)!.version;
    expect(log.append(serial, 'Hello', h(0))).toBe(v);
    expect(log.append(serial, ' world', h(5))).toBe(v);
    expect(log.get(serial)!.data).toBe('Hello world');
    // The first reaches this subscriber whole (it attached after the create), the second as a delta.
    expect(live.map((d) => d.message.data)).toEqual(['Hello', ' world']);
  });

  it('apply only the new part of an append that overlaps, with its offset moved to match', () => {
    const { log, serial, live } = setup();
    log.append(serial, 'Hello', h(0));
    log.append(serial, 'lo there', h(3));
    expect(log.get(serial)!.data).toBe('Hello there');
    const last = live[live.length - 1].message;
    expect(last.data).toBe(' there');
    expect(last.headers['ds-offset']).toBe('5');
  });

  it('apply a final empty append once, and ignore its repeat', () => {
    const { log, serial, live } = setup();
    log.append(serial, 'done', h(0));
    const v1 = log.append(serial, '', h(4, 'complete'));
    expect(log.get(serial)!.headers['ds-status']).toBe('complete');
    expect(log.append(serial, '', h(4, 'complete'))).toBe(v1);
    expect(live).toHaveLength(2);
  });

  it('refuse an append past the end or one that contradicts the text, leaving the aggregate intact', () => {
    const { log, serial } = setup();
    log.append(serial, 'abc', h(0));
    expect(() => log.append(serial, 'x', h(7))).toThrow(BrokerError);
    expect(() => log.append(serial, 'zz', h(1))).toThrow(/differs/);
    expect(log.get(serial)!.data).toBe('abc');
  });

  it('leave appends without ds-offset to plain concatenation (other Ably users of the server)', () => {
    const { log, serial } = setup();
    log.append(serial, 'a', undefined);
    log.append(serial, 'a', undefined);
    expect(log.get(serial)!.data).toBe('aa');
  });
});
