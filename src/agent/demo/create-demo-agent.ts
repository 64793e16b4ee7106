// The demo agent as one call: `createAgent` with the demo handler, for demos, stories and tests
// that need an agent whose every word is known in advance.
import { createAgent, type Agent, type AgentOptions } from '../create-agent.js';
import { demoHandler, type DemoHandlerOptions } from './demo-handler.js';

export interface DemoAgentOptions extends Omit<AgentOptions, 'handler' | 'agentId'>, DemoHandlerOptions {
  /** Default `demo`. */
  agentId?: string;
}

/** Creates the demo agent in a session. */
export function createDemoAgent(opts: DemoAgentOptions): Agent {
  const { tokensPerSecond, tokens, thinkMs, voice, agentId, ...rest } = opts;
  return createAgent({ ...rest, agentId: agentId ?? 'demo', handler: demoHandler({ tokensPerSecond, tokens, thinkMs, voice }) });
}
