import { localServerHarness } from './local-server-harness.js';
import { runConformance } from './suite.js';

runConformance('ably transport → local server, msgpack (the SDK default in Node)', () => localServerHarness('msgpack'));
