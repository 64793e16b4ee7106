// The SessionTransport conformance suite on the Ably transport against the local server, over msgpack
// (the SDK's default format in Node).
import { localServerHarness } from './local-server-harness.js';
import { runConformance } from './suite.js';

runConformance('ably transport → local server, msgpack (the SDK default in Node)', () => localServerHarness('msgpack'));
