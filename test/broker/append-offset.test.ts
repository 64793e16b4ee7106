import { describe, expect, it } from 'vitest';
import { BrokerError, ChannelLog, type AppendInput, type Delivery } from '../../src/broker/index.js';

/** An append that says where it starts; its headers restate that start, as a publisher's would. */
const at = (data: string, offset: number, status = 'open'): AppendInput => ({
  data,
  headers: { status, start: String(offset) },
  precondition: { offset, rebase: (o) => ({ status, start: String(o) }) },
});

function setup() {
  const log = new ChannelLog('s');
  const serial = log.create({ name: 'reply', data: '', headers: { status: 'open' } });
  const live: Delivery[] = [];
  log.attach((d) => live.push(d), {});
  return { log, serial, live };
}

describe('appends with an offset precondition', () => {
  it('ignore a republished append the log already holds, so the aggregate never doubles', () => {
    const { log, serial, live } = setup();
    log.append(serial, at('Hello', 0));
    log.append(serial, at(' world', 5));
    const v = log.get(serial)!.version;
    expect(log.append(serial, at('Hello', 0))).toBe(v);
    expect(log.append(serial, at(' world', 5))).toBe(v);
    expect(log.get(serial)!.data).toBe('Hello world');
    // The first reaches this subscriber whole (it attached after the create), the second as a delta.
    expect(live.map((d) => d.message.data)).toEqual(['Hello', ' world']);
  });

  it('apply only the new part of an append that overlaps, with headers rebased to its new start', () => {
    const { log, serial, live } = setup();
    log.append(serial, at('Hello', 0));
    log.append(serial, at('lo there', 3));
    expect(log.get(serial)!.data).toBe('Hello there');
    const last = live[live.length - 1].message;
    expect(last.data).toBe(' there');
    expect(last.headers['start']).toBe('5');
  });

  it('keep the headers unchanged for a trimmed overlap when there is no rebase', () => {
    const { log, serial, live } = setup();
    log.append(serial, { data: 'Hello', precondition: { offset: 0 } });
    log.append(serial, { data: 'lo there', headers: { status: 'open', start: '3' }, precondition: { offset: 3 } });
    expect(log.get(serial)!.data).toBe('Hello there');
    expect(live[live.length - 1].message.headers).toEqual({ status: 'open', start: '3' });
  });

  it('apply a final empty append once, and ignore its repeat', () => {
    const { log, serial, live } = setup();
    log.append(serial, at('done', 0));
    const v1 = log.append(serial, at('', 4, 'closed'));
    expect(log.get(serial)!.headers['status']).toBe('closed');
    expect(log.append(serial, at('', 4, 'closed'))).toBe(v1);
    expect(live).toHaveLength(2);
  });

  it('refuse an append past the end or one that contradicts the text, leaving the aggregate intact', () => {
    const { log, serial } = setup();
    log.append(serial, at('abc', 0));
    expect(() => log.append(serial, at('x', 7))).toThrow(BrokerError);
    expect(() => log.append(serial, at('x', 7))).toThrow(/earlier append is missing/);
    expect(() => log.append(serial, at('x', 7))).toThrow(expect.objectContaining({ code: 40000 }));
    expect(() => log.append(serial, at('zz', 1))).toThrow(/differs/);
    expect(() => log.append(serial, at('zz', 1))).toThrow(expect.objectContaining({ code: 40000 }));
    expect(log.get(serial)!.data).toBe('abc');
  });

  it('leave appends without a precondition to plain concatenation (other Ably users of the server)', () => {
    const { log, serial } = setup();
    log.append(serial, { data: 'a' });
    log.append(serial, { data: 'a' });
    expect(log.get(serial)!.data).toBe('aa');
  });
});
