export { createServer, type LocalServer, type ServerOptions } from './create-server.js';
export { generateKey, type Capability, type KeySpec, type TokenDetails, type TokenRequest } from './auth.js';
