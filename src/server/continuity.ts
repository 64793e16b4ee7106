// Whether an attach continues where the client left off — which resume serials this process can
// vouch for after a restart — and what ATTACHED says about it (RESUMED, backlog, presence, modes).
import { START_SERIAL, type AttachOptions, type ChannelLog, type Subscription } from '../broker/index.js';
import { parseChannelParams, rewindCount } from './channel-params.js';
import { Action, Flag } from './wire.js';

/** How the broker should attach for one ATTACH frame. */
export interface AttachPlan {
  options: AttachOptions;
  /** A resume from before everything on a channel still empty: it holds without any replay. */
  trivial: boolean;
  /** The frame's channel params, which ATTACHED echoes. */
  params: Record<string, string>;
}

/** One channel's continuity over this process's life: what it loaded from disk, and what it has vouched for since. */
export class ChannelContinuity {
  /** Channel serial the log held when loaded from disk ('' when not loaded). */
  private loadedThrough = '';
  /** This process handed out `loadedThrough` as an attach serial, so resuming from it is honest. */
  private vouched = false;
  /** First event serial committed by this process. */
  private firstThisBoot: string | undefined;

  constructor(private readonly log: ChannelLog) {
    log.onCommit((e) => {
      this.firstThisBoot ??= e.channelSerial;
    });
  }

  /** Records where the log loaded from disk ended, so resumes from before the restart are refused. */
  markLoaded(through: string): void {
    this.loadedThrough = through;
  }

  /**
   * The broker attach for an ATTACH frame: resume from its channelSerial when this process can vouch
   * for it and `fresh` does not forbid it; otherwise the rewind it asks for, if any. Throws the
   * BrokerError that refuses the frame's params.
   */
  plan(msg: Record<string, unknown>, fresh: boolean): AttachPlan {
    const params = parseChannelParams(msg.params);
    const from = typeof msg.channelSerial === 'string' && msg.channelSerial !== '' ? msg.channelSerial : undefined;
    const options: AttachOptions = {};
    let trivial = false;
    if (from !== undefined && !fresh && this.resumable(from)) {
      if (from === START_SERIAL && this.log.channelSerial === '') trivial = true;
      else options.fromSerial = from;
    }
    if (params.rewind) options.rewind = rewindCount(this.log, params.rewind);
    return { options, trivial, params: params.raw };
  }

  /**
   * The attach serial ATTACHED announces for `sub` (the SDK needs a non-empty one, so an empty channel
   * gets START_SERIAL). Handing out the loaded serial vouches for a later resume from it.
   */
  announce(sub: Subscription): string {
    const serial = sub.attachSerial === '' ? START_SERIAL : sub.attachSerial;
    if (this.loadedThrough !== '' && serial === this.loadedThrough) this.vouched = true;
    return serial;
  }

  private resumable(serial: string): boolean {
    if (this.loadedThrough === '') return true;
    if (serial < this.loadedThrough || serial === START_SERIAL) return false;
    if (serial === this.loadedThrough) return this.vouched;
    // Between the last persisted event and the first new one lies whatever a crash lost.
    return this.firstThisBoot !== undefined && serial >= this.firstThisBoot;
  }
}

/** What an ATTACHED frame reports besides the modes. */
export interface AttachOutcome {
  resumed: boolean;
  hasPresence: boolean;
  hasBacklog: boolean;
}

/** ATTACHED for `channel`: the modes `ops` grant, whether continuity held, and what follows it. */
export function attachedFrame(channel: string, channelSerial: string, ops: Set<string>, outcome: AttachOutcome, params: Record<string, string>): Record<string, unknown> {
  const all = ops.has('*');
  const canSubscribe = all || ops.has('subscribe');
  let flags = 0;
  if (all || ops.has('publish')) flags |= Flag.PUBLISH;
  if (canSubscribe) flags |= Flag.SUBSCRIBE;
  if (all || ops.has('presence')) flags |= Flag.PRESENCE;
  if (canSubscribe || ops.has('presence')) flags |= Flag.PRESENCE_SUBSCRIBE;
  if (outcome.resumed) flags |= Flag.RESUMED;
  if (outcome.hasPresence) flags |= Flag.HAS_PRESENCE;
  if (outcome.hasBacklog) flags |= Flag.HAS_BACKLOG;
  const frame: Record<string, unknown> = { action: Action.ATTACHED, channel, channelSerial, flags };
  if (Object.keys(params).length > 0) frame.params = params;
  return frame;
}
