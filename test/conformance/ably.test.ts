// The SessionTransport conformance suite on the Ably transport against the local server, over JSON
// (the browser SDK's default format).
import { localServerHarness } from './local-server-harness.js';
import { runConformance } from './suite.js';

runConformance('ably transport → local server, JSON', () => localServerHarness('json'));
