/**
 * Watches this agent's responses that other instances are writing, and claims one in the session once
 * its instance has been gone from presence for the grace period. The first claim in channel order
 * wins, so of several standbys exactly one takes each turn over.
 */
import { build } from '../core/build-event.js';
import { toSessionError, type DurableSessionError } from '../core/errors.js';
import { randomId } from '../core/ids.js';
import { isFinalStatus, type AgentResponseEvent, type ClaimEvent } from '../core/protocol.js';
import type { PresenceMember, TransportChannel } from '../core/transport.js';
import type { Orphan } from './takeover-scan.js';

export interface TakeoverWatchOptions {
  agentId: string;
  instance: string;
  channel: TransportChannel;
  /** How long an instance may be missing from presence before its responses are claimed. */
  graceMs: number;
  /** Whether to claim orphans at all (false: leave them to other instances). */
  enabled: boolean;
  /** Runs when this instance's claim on `orphan` won. */
  onWon: (orphan: Orphan) => void;
  onError: (e: DurableSessionError) => void;
}

export class TakeoverWatch {
  private readonly present = new Set<string>();
  private readonly orphans = new Map<string, Orphan>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Claim key → the instance whose claim came first. */
  private readonly winners = new Map<string, string>();
  /** Claims this instance made whose outcome it has not seen yet. */
  private readonly pending = new Map<string, () => void>();
  private presenceKnown = false;
  private stopped = false;

  constructor(private readonly o: TakeoverWatchOptions) {}

  /** Follows a response of this agent: another instance's unfinished one is watched, a finished one forgotten. */
  onResponse(ev: AgentResponseEvent): void {
    if (ev.agentId !== this.o.agentId) return;
    const known = this.orphans.get(ev.responseId);
    if (isFinalStatus(ev.status) || ev.instance === this.o.instance || (ev.instance === undefined && !known)) {
      this.forget(ev.responseId);
      return;
    }
    const instance = ev.instance ?? known!.instance;
    if (known && known.instance === instance) return;
    this.orphans.set(ev.responseId, { responseId: ev.responseId, turnId: ev.turnId, serial: ev.serial, instance });
    this.evaluate(ev.responseId);
  }

  /** The unfinished response another instance was writing, if this one is watching it. */
  orphan(responseId: string): Orphan | undefined {
    return this.orphans.get(responseId);
  }

  onPresence(members: readonly PresenceMember[]): void {
    this.present.clear();
    for (const m of members) {
      const inst = (m.data as { instance?: unknown } | undefined)?.instance;
      if (typeof inst === 'string') this.present.add(inst);
    }
    this.presenceKnown = true;
    for (const id of this.orphans.keys()) this.evaluate(id);
  }

  /**
   * Claims `key` and runs `won` if this instance's claim is the first the channel orders; does nothing
   * when someone already holds it.
   */
  claim(key: string, won: () => void): void {
    if (this.stopped || this.winners.has(key) || this.pending.has(key)) return;
    this.pending.set(key, won);
    const { agentId, instance } = this.o;
    this.o.channel.publish(build.claim({ claimId: randomId('claim-'), key, agentId, instance })).catch((e: unknown) => {
      this.pending.delete(key);
      this.o.onError(toSessionError(e, `Agent ${agentId} could not claim ${key}`));
    });
  }

  onClaim(ev: ClaimEvent): void {
    if (ev.agentId !== this.o.agentId || this.winners.has(ev.key)) return;
    this.winners.set(ev.key, ev.instance);
    const won = this.pending.get(ev.key);
    this.pending.delete(ev.key);
    if (won && ev.instance === this.o.instance) won();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private forget(responseId: string): void {
    this.orphans.delete(responseId);
    clearTimeout(this.timers.get(responseId));
    this.timers.delete(responseId);
  }

  private evaluate(responseId: string): void {
    const orphan = this.orphans.get(responseId);
    if (!orphan || !this.o.enabled || this.stopped) return;
    if (!this.presenceKnown || this.present.has(orphan.instance)) {
      clearTimeout(this.timers.get(responseId));
      this.timers.delete(responseId);
      return;
    }
    if (this.timers.has(responseId)) return;
    this.timers.set(
      responseId,
      setTimeout(() => {
        this.timers.delete(responseId);
        const now = this.orphans.get(responseId);
        if (!now || this.present.has(now.instance)) return;
        // Keyed by the instance that died: if the taker dies too, its own orphan is a new claim.
        this.claim(`response:${responseId}@${now.instance}`, () => this.o.onWon(now));
      }, this.o.graceMs),
    );
  }
}
