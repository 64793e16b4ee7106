// The local server's command line: what `durable-sessions dev` accepts, and the one-line error it
// exits 2 with for anything else (a typo in an environment variable must not start a broken server).
import { describe, expect, it } from 'vitest';
import { parseDevOptions } from '../../src/server/cli-options.js';

describe('durable-sessions dev options', () => {
  it('reads flags and environment into server options', () => {
    expect(parseDevOptions(['--port', '0', '--data-dir', '/tmp/x', '--key', 'a.b:c', '--host'], { DS_PRESENCE_GRACE_MS: '1000', DS_MAX_MESSAGES: '25000' })).toEqual({
      options: { port: 0, host: '0.0.0.0', dataDir: '/tmp/x', keys: ['a.b:c'], presenceGraceMs: 1000, retention: { maxMessages: 25000 } },
    });
    expect(parseDevOptions(['--host', '10.0.0.2'], {})).toEqual({ options: { port: 8787, host: '10.0.0.2' } });
    expect(parseDevOptions([], { DS_MAX_MESSAGES: '' })).toEqual({ options: { port: 8787 } });
  });

  it('refuses what is not a setting, saying which and what it got', () => {
    expect(parseDevOptions([], { DS_MAX_MESSAGES: 'lots' })).toEqual({ error: 'DS_MAX_MESSAGES must be a whole number of at least 1, got "lots"' });
    expect(parseDevOptions([], { DS_MAX_MESSAGES: '0' })).toEqual({ error: 'DS_MAX_MESSAGES must be a whole number of at least 1, got "0"' });
    expect(parseDevOptions([], { DS_PRESENCE_GRACE_MS: '1.5' })).toEqual({ error: 'DS_PRESENCE_GRACE_MS must be a whole number of at least 0, got "1.5"' });
    expect(parseDevOptions(['--port', '70000'], {})).toEqual({ error: '--port must be a number from 0 to 65535, got 70000' });
    expect(parseDevOptions(['--nope'], {})).toMatchObject({ error: expect.stringContaining("Unknown option '--nope'") });
  });
});
