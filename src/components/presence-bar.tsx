/**
 * `PresenceBar`: who is in the session — you on how many tabs and devices, other people, and each
 * agent with its live state.
 */
import type { ComponentPropsWithoutRef, ReactNode } from 'react';
import { usePresence, type PresenceUser } from '../react/use-presence.js';
import { AgentBadge } from './agent-badge.js';
import { namedForwardRef } from './named-forward-ref.js';

export interface PresenceBarProps extends Omit<ComponentPropsWithoutRef<'div'>, 'children'> {
  /** Accessible name of the bar. Default "Who is here". */
  label?: string;
  /** How you read, given your tabs and devices. Default: "You on 2 tabs · 2 devices". */
  formatSelf?: (self: PresenceUser) => ReactNode;
  /** How another person reads. Default: their name (or client id), plus "(N tabs)" when more than one. */
  formatUser?: (user: PresenceUser) => ReactNode;
}

/** "1 tab", "2 tabs": every word counted here takes a plain -s. */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function defaultSelf(self: PresenceUser): ReactNode {
  if (self.tabs.length === 0) return 'You';
  const devices = self.devices.length > 1 ? ` · ${plural(self.devices.length, 'device')}` : '';
  return `You on ${plural(self.tabs.length, 'tab')}${devices}`;
}

function defaultUser(user: PresenceUser): ReactNode {
  const name = user.name ?? user.clientId;
  return user.tabs.length > 1 ? `${name} (${plural(user.tabs.length, 'tab')})` : name;
}

/**
 * Who is in the session: you (on how many tabs and devices), other people, and the agents, each agent
 * with its live state as `data-agent-state` (thinking, streaming, idle).
 */
export const PresenceBar = namedForwardRef<HTMLDivElement, PresenceBarProps>('PresenceBar', function PresenceBar({ label = 'Who is here', formatSelf = defaultSelf, formatUser = defaultUser, ...rest }, ref) {
  const { self, others, agents } = usePresence();
  return (
    <div ref={ref} role="group" aria-label={label} data-ds-presence-bar="" data-tabs={self.tabs.length} data-others={others.length} data-agents={agents.length} {...rest}>
      <span data-part="self" data-tabs={self.tabs.length} data-devices={self.devices.length}>
        {formatSelf(self)}
      </span>
      {others.length > 0 && (
        <ul data-part="others" aria-label="Other people">
          {others.map((u) => (
            <li key={u.clientId} data-part="user" data-client-id={u.clientId}>
              {formatUser(u)}
            </li>
          ))}
        </ul>
      )}
      {agents.length > 0 && (
        <ul data-part="agents" aria-label="Agents">
          {agents.map((a) => (
            <li key={`${a.clientId}:${a.agentId}`} data-part="agent">
              <AgentBadge agentId={a.agentId} name={a.name} state={a.state} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
