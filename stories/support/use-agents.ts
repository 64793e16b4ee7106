import { useEffect } from 'react';
import type { AgentSpec, DemoWorld } from './demo-world.js';

/**
 * Runs agents for as long as the story is mounted; a changed spec (e.g. a new token rate from the
 * controls) restarts them. `null` entries are skipped, so a control can add or remove an agent.
 */
export function useAgents(world: DemoWorld, specs: (AgentSpec | null)[]): void {
  const key = JSON.stringify(specs.map((s) => (s ? { ...s, handler: s.handler ? 'custom' : 'demo' } : null)));
  useEffect(() => {
    const running = specs.filter((s): s is AgentSpec => s !== null).map((s) => world.startAgent(s));
    return () => {
      for (const a of running) a.stop();
    };
    // `key` captures everything in `specs` that should restart an agent.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [world, key]);
}
