// The local server's public surface: createServer, its options and handle, and what keys and
// capabilities are made of. Node only.
export { createServer, type LocalServer, type ServerOptions } from './create-server.js';
export type { Capability } from './capability.js';
export { createServerFaults, type DropWhen, type ServerFaults } from './faults.js';
export { generateKey, type KeySpec, type TokenDetails, type TokenRequest } from './key-store.js';
// The kit's own events as a service sees them: what createServer({ policy }) defaults to.
export { sessionWirePolicy } from '../core/wire-policy.js';
