// Persistence of the local server's channel logs: one JSON line per committed event, batched per
// tick, fsync'd when an event settles something and on a short timer otherwise.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../broker/index.js';
import { sessionWirePolicy, type WirePolicy } from '../core/wire-policy.js';

export interface ChannelStoreOptions {
  /** Directory holding one `<channel>.jsonl` file per channel. Created if missing. */
  dataDir: string;
  /** Longest time a committed event may sit without fsync, in ms. Default 250. */
  fsyncIntervalMs?: number;
  /** Which events settle something users come back for, and so are fsync'd at once. Default `sessionWirePolicy`. */
  policy?: Pick<WirePolicy, 'isSettling'>;
}

const SUFFIX = '.jsonl';

/** One file line for an event; binary data is kept as base64, marked so it loads back as bytes. */
function toLine(event: LogEvent): string {
  const data = event.message.data;
  if (!(data instanceof Uint8Array)) return JSON.stringify(event) + '\n';
  const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
  return JSON.stringify({ ...event, message: { ...event.message, data: base64 }, binary: true }) + '\n';
}

function fromLine(line: string): LogEvent {
  const parsed = JSON.parse(line) as LogEvent & { binary?: true };
  if (!parsed.binary) return parsed;
  return { channelSerial: parsed.channelSerial, message: { ...parsed.message, data: Buffer.from(parsed.message.data as string, 'base64') } };
}

/**
 * Append-only persistence of channel logs: one JSON line per committed event. Writes are batched per
 * tick (so a burst of token appends costs one write), and fsync'd when the policy says an event
 * settles something (a response's final append), on a short timer otherwise, and on close — a crash
 * loses at most the last interval.
 */
export class ChannelStore {
  private readonly fds = new Map<string, number>();
  private readonly pending = new Map<string, string[]>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private closed = false;
  private readonly policy: Pick<WirePolicy, 'isSettling'>;

  constructor(private readonly opts: ChannelStoreOptions) {
    this.policy = opts.policy ?? sessionWirePolicy;
    mkdirSync(opts.dataDir, { recursive: true });
    this.timer = setInterval(() => this.sync(), opts.fsyncIntervalMs ?? 250);
    this.timer.unref();
  }

  /** Every persisted channel with its events, in commit order. A torn last line is skipped. */
  loadAll(): Map<string, LogEvent[]> {
    const out = new Map<string, LogEvent[]>();
    for (const file of readdirSync(this.opts.dataDir)) {
      if (!file.endsWith(SUFFIX)) continue;
      const name = decodeURIComponent(file.slice(0, -SUFFIX.length));
      const events: LogEvent[] = [];
      for (const line of readFileSync(join(this.opts.dataDir, file), 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          events.push(fromLine(line));
        } catch {
          // Only the last line can be torn (a crash mid-write); anything after it is not ours.
          break;
        }
      }
      out.set(name, events);
    }
    return out;
  }

  append(channel: string, event: LogEvent): void {
    if (this.closed) return;
    let lines = this.pending.get(channel);
    if (!lines) this.pending.set(channel, (lines = []));
    lines.push(toLine(event));
    if (this.policy.isSettling(event.message)) {
      // A finished response is what users come back for: make it durable now.
      this.flush();
      this.sync();
      return;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Writes batched lines to the files (into the OS cache). */
  flush(): void {
    this.flushScheduled = false;
    for (const [channel, lines] of this.pending) {
      if (lines.length === 0) continue;
      writeSync(this.fd(channel), lines.join(''));
      this.dirty.add(channel);
    }
    this.pending.clear();
  }

  /** fsyncs every file written since the last sync. */
  sync(): void {
    this.flush();
    for (const channel of this.dirty) fsyncSync(this.fd(channel));
    this.dirty.clear();
  }

  /**
   * Replaces a channel's file with `events` (a snapshot: one line per message instead of one per
   * token). Written to a temporary file, fsync'd, then renamed over the old one, so a crash leaves
   * either the old log or the new one, never half of each.
   */
  compact(channel: string, events: LogEvent[]): void {
    this.flush();
    const file = join(this.opts.dataDir, encodeURIComponent(channel) + SUFFIX);
    const tmp = `${file}.compact`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, events.map(toLine).join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const old = this.fds.get(channel);
    if (old !== undefined) {
      closeSync(old);
      this.fds.delete(channel);
      this.dirty.delete(channel);
    }
    renameSync(tmp, file);
  }

  close(): void {
    if (this.closed) return;
    this.sync();
    this.closed = true;
    clearInterval(this.timer);
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(channel: string): number {
    let fd = this.fds.get(channel);
    if (fd === undefined) {
      fd = openSync(join(this.opts.dataDir, encodeURIComponent(channel) + SUFFIX), 'a');
      this.fds.set(channel, fd);
    }
    return fd;
  }
}
