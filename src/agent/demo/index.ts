// `durable-sessions/agent/demo`: a deterministic demo agent that answers in readable, canned
// sentences — for demos, stories and tests, never for production turns.
export { createDemoAgent, type DemoAgentOptions } from './create-demo-agent.js';
export { demoHandler, type DemoHandlerOptions } from './demo-handler.js';
export { demoAnswer, type DemoAnswerSteer } from './demo-answer.js';
export { demoLength } from './demo-length.js';
export { demoSteer, type DemoSteer } from './demo-steer.js';
export { demoTokens } from './demo-tokens.js';
export { demoToolFor, demoToolText, demoWeather, type DemoWeather } from './demo-tools.js';
