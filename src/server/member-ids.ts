// The id of each presence member's latest presence message, per channel, so realtime PRESENCE and
// SYNC frames and REST presence name a member the same way.
import type { PresenceEntry } from '../broker/index.js';

export class MemberIds {
  private readonly channels = new Map<string, Map<string, string>>();
  private minted = 0;

  /** Records the id of the presence message `member` last sent, or forgets it once the member left. */
  set(channel: string, member: PresenceEntry, id: string | undefined): void {
    let ids = this.channels.get(channel);
    if (id === undefined) {
      ids?.delete(member.key);
      return;
    }
    if (!ids) this.channels.set(channel, (ids = new Map()));
    ids.set(member.key, id);
  }

  /** The id of `member`'s latest presence message; one is minted and kept for a member that has none yet. */
  of(channel: string, member: PresenceEntry): string {
    const known = this.channels.get(channel)?.get(member.key);
    if (known !== undefined) return known;
    const id = this.mint();
    this.set(channel, member, id);
    return id;
  }

  /** An id for a presence change no client frame carried (a broker call, a connection's presence expiring). */
  mint(): string {
    return `local-${++this.minted}:0:0`;
  }
}
