/**
 * `usePresence`: who is in the session — this user across tabs and devices, other people, and the
 * agents with what each is doing.
 */
import { useMemo } from 'react';
import type { AgentState } from '../core/protocol.js';
import { type PresenceEntryView } from '../core/session-state.js';
import { selectAgentActivity } from '../core/response-selectors.js';
import { useSessionController } from './session-context.js';
import { shallowObjectEqual, useSessionSelector } from './use-session-selector.js';

export interface PresenceUser {
  clientId: string;
  name: string | undefined;
  /** One member per open tab (connection). */
  tabs: PresenceEntryView[];
  /** Distinct device labels among the tabs. */
  devices: string[];
  isSelf: boolean;
}

export interface PresenceAgent {
  agentId: string;
  name: string | undefined;
  clientId: string;
  /** `thinking` before its first token, `streaming` while it writes, else `idle` (or its reported state). */
  state: AgentState;
}

/** No options yet; the object is there so options can be added without changing the signature. */
export type UsePresenceParams = Record<string, never>;

export interface UsePresenceResponse {
  /** Every member, as the channel reports them. */
  members: PresenceEntryView[];
  /** This user across tabs and devices (including this tab). Its `clientId` is '' until the session opened. */
  self: PresenceUser;
  /** Other human users. */
  others: PresenceUser[];
  /** Each agent once, however many instances of it (a primary and its standby) are present. */
  agents: PresenceAgent[];
}

/**
 * Who is in the session, grouped: you (on N tabs / devices), other users, and agents.
 *
 * @example
 * const { self, others, agents } = usePresence();
 * const summary = `You on ${self.tabs.length} tabs · ${others.length} others · ${agents.length} agents`;
 */
export function usePresence(_params?: UsePresenceParams): UsePresenceResponse {
  const ctrl = useSessionController('usePresence');
  const members = useSessionSelector(ctrl, (s) => s.presence);
  const activity = useSessionSelector(ctrl, selectAgentActivity, '', shallowObjectEqual);
  // Not `ctrl.clientId`: that would run a transport factory during render (and on the server).
  // Members only arrive once the controller started, and by then the id is known.
  const me = ctrl.knownClientId ?? '';
  return useMemo(() => {
    const users = new Map<string, PresenceUser>();
    const agents: PresenceAgent[] = [];
    for (const m of members) {
      if (m.data.kind === 'agent') {
        const agentId = m.data.agentId ?? m.clientId;
        if (!agents.some((a) => a.agentId === agentId)) agents.push({ agentId, name: m.data.name, clientId: m.clientId, state: activity[agentId] ?? 'idle' });
        continue;
      }
      let u = users.get(m.clientId);
      if (!u) {
        u = { clientId: m.clientId, name: m.data.name, tabs: [], devices: [], isSelf: m.clientId === me };
        users.set(m.clientId, u);
      }
      u.tabs.push(m);
      if (m.data.device && !u.devices.includes(m.data.device)) u.devices.push(m.data.device);
    }
    const self = users.get(me) ?? { clientId: me, name: undefined, tabs: [], devices: [], isSelf: true };
    users.delete(me);
    return { members, self, others: [...users.values()], agents };
  }, [me, members, activity]);
}
