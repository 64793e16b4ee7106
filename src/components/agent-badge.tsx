/**
 * `AgentBadge`: names the agent behind a response or present in the session, in a colour of its own
 * so several agents in one turn stay apart.
 */
import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import type { AgentState } from '../core/protocol.js';
import { namedForwardRef } from './named-forward-ref.js';

/** How many distinct badge colours styles.css defines (`[data-hue="0"]` … `[data-hue="5"]`). */
const HUES = 6;

function hueOf(agentId: string): number {
  let h = 0;
  for (let i = 0; i < agentId.length; i++) h = (h * 31 + agentId.charCodeAt(i)) >>> 0;
  return h % HUES;
}

export interface AgentBadgeProps extends ComponentPropsWithoutRef<'span'> {
  /** The agent's id; also picks the badge colour, so one agent keeps one colour everywhere. */
  agentId: string;
  /** Display name. Default: the agent id. */
  name?: string;
  /** What the agent is doing, exposed as `data-agent-state` for styling. Default: none. */
  state?: AgentState;
  /** Replaces the name as the badge's content. Default: `name ?? agentId`. */
  children?: ReactNode;
}

/**
 * Names the agent behind a response or present in the session. Turns answered by several agents show
 * one badge per response, each in the agent's own colour (`data-hue`).
 *
 * @example
 * <AgentBadge agentId="researcher" name="Researcher" />
 */
export const AgentBadge = namedForwardRef<HTMLSpanElement, AgentBadgeProps>('AgentBadge', function AgentBadge({ agentId, name, state, children, ...rest }, ref) {
  return (
    <span ref={ref} data-ds-agent-badge="" data-agent-id={agentId} data-hue={hueOf(agentId)} data-agent-state={state} {...rest}>
      {children ?? name ?? agentId}
    </span>
  );
});
