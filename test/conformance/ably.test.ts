import { localServerHarness } from './local-server-harness.js';
import { runConformance } from './suite.js';

runConformance('ably transport → local server, JSON', () => localServerHarness('json'));
