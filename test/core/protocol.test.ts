import { describe, expect, it } from 'vitest';
import { build, DurableSessionError, Limits, parseEvent, parsePresenceData, parseTarget, type WireMessage } from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';

const S = '01700000000000-000@t:0';
const base = { serial: S, version: S, action: 'message.create' as const, timestamp: 1 };
const respHeaders = build.responseHeaders({ responseId: 'r1', agentId: 'a', turnId: 't1', status: 'streaming', offset: 0 });

function fails(m: unknown, code: 'malformed_event' | 'unknown_event', mentions?: RegExp) {
  const r = parseEvent(m as WireMessage);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.error).toBeInstanceOf(DurableSessionError);
  expect(r.error.code).toBe(code);
  if (mentions) expect(r.error.message).toMatch(mentions);
}

describe('parseEvent rejects bad input with a typed error and never throws', () => {
  it('reports unknown event names as unknown_event, with the serial', () => {
    const r = parseEvent({ ...base, name: 'agent.telepathy', data: {}, headers: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('unknown_event');
      expect(r.error.serial).toBe(S);
      expect(r.error.message).toContain('agent.telepathy');
    }
  });

  it.each([
    ['not an object', null],
    ['a string', 'user.message'],
    ['an array', []],
    ['no serial', { ...base, serial: '', name: 'user.message', data: { text: 'x' }, headers: { 'ds-turn': 't' } }],
    ['an unknown action', { ...base, action: 'message.explode', name: 'user.message', data: { text: 'x' }, headers: { 'ds-turn': 't' } }],
    ['user.message without data', { ...base, name: 'user.message', data: null, headers: { 'ds-turn': 't' } }],
    ['user.message with numeric text', { ...base, name: 'user.message', data: { text: 42 }, headers: { 'ds-turn': 't' } }],
    ['user.message without a turn header', { ...base, name: 'user.message', data: { text: 'x' }, headers: {} }],
    ['user.message with a bad turn id', { ...base, name: 'user.message', data: { text: 'x' }, headers: { 'ds-turn': 'has space' } }],
    ['headers that are not an object', { ...base, name: 'user.message', data: { text: 'x' }, headers: 'ds-turn=t' }],
    ['agent.response with an unknown status', { ...base, name: 'agent.response', data: '', headers: { ...respHeaders, 'ds-status': 'thinking-hard' } }],
    ['agent.response with object data', { ...base, name: 'agent.response', data: { text: 'x' }, headers: respHeaders }],
    ['agent.response append without an offset', { ...base, action: 'message.append', name: 'agent.response', data: 'x', headers: { ...respHeaders, 'ds-offset': undefined } }],
    ['agent.response append with a negative offset', { ...base, action: 'message.append', name: 'agent.response', data: 'x', headers: { ...respHeaders, 'ds-offset': '-1' } }],
    ['agent.response append with a fractional offset', { ...base, action: 'message.append', name: 'agent.response', data: 'x', headers: { ...respHeaders, 'ds-offset': '1.5' } }],
    ['agent.response with an overlong response id', { ...base, name: 'agent.response', data: '', headers: { ...respHeaders, 'ds-response': 'r'.repeat(Limits.maxIdChars + 1) } }],
    ['control.cancel without a target', { ...base, name: 'control.cancel', data: { controlId: 'c1' }, headers: {} }],
    ['control.cancel with an unknown target kind', { ...base, name: 'control.cancel', data: { controlId: 'c1', target: { kind: 'planet' } }, headers: {} }],
    ['control.cancel of a response without its id', { ...base, name: 'control.cancel', data: { controlId: 'c1', target: { kind: 'response' } }, headers: {} }],
    ['control.steer without text', { ...base, name: 'control.steer', data: { steerId: 's1', target: { kind: 'all' } }, headers: {} }],
    ['control.steer-ack with an unknown status', { ...base, name: 'control.steer-ack', data: { steerId: 's1', agentId: 'a', status: 'maybe' }, headers: {} }],
    ['agent.status with an unknown state', { ...base, name: 'agent.status', data: { agentId: 'a', state: 'sleepy' }, headers: {} }],
  ])('malformed: %s', (_, m) => fails(m, 'malformed_event'));

  it('refuses oversize user text and steer text', () => {
    const long = 'x'.repeat(Limits.maxInputChars + 1);
    fails({ ...base, name: 'user.message', data: { text: long }, headers: { 'ds-turn': 't' } }, 'malformed_event', new RegExp(`limit is ${Limits.maxInputChars}`));
    fails({ ...base, name: 'control.steer', data: { steerId: 's', text: long, target: { kind: 'all' } }, headers: {} }, 'malformed_event', /limit/);
    const ok = parseEvent({ ...base, name: 'user.message', data: { text: 'x'.repeat(Limits.maxInputChars) }, headers: { 'ds-turn': 't' } });
    expect(ok.ok).toBe(true);
  });

  it('survives 2,000 random junk messages: every result is an event or a typed error', () => {
    const rnd = seededRandom(99);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
    const junkValue = (depth = 0): unknown => {
      const r = rnd();
      if (r < 0.1) return null;
      if (r < 0.2) return undefined;
      if (r < 0.3) return Math.floor(rnd() * 1e6) - 5e5;
      if (r < 0.4) return pick(['', 't1', 'a b', '日本', '<script>', '0', '-3', 'streaming', 'all', 'turn']);
      if (r < 0.5) return rnd() < 0.5;
      if (r < 0.6 && depth < 2) return [junkValue(depth + 1), junkValue(depth + 1)];
      if (depth < 2) {
        const o: Record<string, unknown> = {};
        for (const k of ['text', 'kind', 'target', 'steerId', 'controlId', 'agentId', 'status', 'state', 'turnId', 'responseId']) if (rnd() < 0.4) o[k] = junkValue(depth + 1);
        return o;
      }
      return 'x';
    };
    const names = ['user.message', 'agent.response', 'control.cancel', 'control.steer', 'control.steer-ack', 'agent.status', 'bogus', '', 'constructor', '__proto__'];
    let events = 0;
    for (let i = 0; i < 2000; i++) {
      const m: Record<string, unknown> = {
        serial: rnd() < 0.9 ? S : junkValue(),
        version: rnd() < 0.9 ? S : junkValue(),
        action: rnd() < 0.8 ? pick(['message.create', 'message.update', 'message.append']) : junkValue(),
        name: rnd() < 0.9 ? pick(names) : junkValue(),
        data: junkValue(),
        headers: rnd() < 0.7 ? { ...respHeaders, [pick(['ds-turn', 'ds-status', 'ds-offset', 'ds-agent'])]: junkValue() } : junkValue(),
        timestamp: junkValue(),
      };
      let r: ReturnType<typeof parseEvent> | undefined;
      expect(() => (r = parseEvent(m as unknown as WireMessage))).not.toThrow();
      if (r!.ok) events++;
      else {
        expect(r!.error).toBeInstanceOf(DurableSessionError);
        expect(['malformed_event', 'unknown_event']).toContain(r!.error.code);
      }
    }
    // The generator is not so hostile that nothing parses, nor so tame that everything does.
    expect(events).toBeGreaterThan(0);
    expect(events).toBeLessThan(2000);
  });
});

describe('parseTarget and parsePresenceData', () => {
  it('validates every target kind', () => {
    expect(parseTarget({ kind: 'all' })).toEqual({ kind: 'all' });
    expect(parseTarget({ kind: 'agent', agentId: 'demo' })).toEqual({ kind: 'agent', agentId: 'demo' });
    expect(() => parseTarget({ kind: 'turn', turnId: '' })).toThrow();
  });

  it('turns unknown presence shapes into a plain user and drops oversize fields', () => {
    expect(parsePresenceData(42)).toEqual({ kind: 'user' });
    expect(parsePresenceData({ kind: 'agent', agentId: 'demo', device: 'x'.repeat(201), tabId: 7 })).toEqual({ kind: 'agent', agentId: 'demo' });
  });
});
