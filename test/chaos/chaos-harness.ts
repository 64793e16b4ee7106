import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Ably from 'ably';
import { createAgent, delay, type Agent, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { createSessionController, microtaskScheduler, type SessionController } from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';
import { entryOf, type ResponseEntry, type SessionState, type UserEntry } from '../../src/core/session-state.js';
import { createServer, generateKey, type LocalServer } from '../../src/server/index.js';
import { createAblyTransport } from '../../src/transports/ably.js';
import { FaultProxy, zeroCounts, type FaultCounts } from './fault-proxy.js';

/** Timings small enough for a hundred runs in a test, large enough for two busy cores. */
export const CHAOS_TIMING = {
  /** The server's promised idle interval; a stall must outlast it plus the client's request timeout. */
  maxIdleInterval: 400,
  realtimeRequestTimeout: 1500,
  presenceGraceMs: 300,
  /** Longest any wait for convergence may take before the run is declared failed. */
  settleMs: 25_000,
};

export interface RunStats {
  seed: number;
  faults: FaultCounts;
  turns: number;
  /** Characters of agent text compared, summed over every client. */
  charsChecked: number;
  lost: number;
  duplicated: number;
  cancelsSent: number;
  cancelsHonoured: number;
  steersSent: number;
  steersApplied: number;
  /** Turns the agent aborted although no client asked to cancel them. */
  disconnectCancels: number;
  presenceChecks: number;
  /** Times a client's connection left `connected` (each fault that bit). */
  clientDisconnects: number;
  failures: string[];
}

export interface ChaosTotals extends Omit<RunStats, 'seed' | 'failures'> {
  runs: number;
  failedRuns: { seed: number; failures: string[] }[];
}

/** The counters a run keeps and the totals add up, all at zero. */
function zeroTally(): Omit<RunStats, 'seed' | 'failures'> {
  return {
    faults: zeroCounts(),
    turns: 0,
    charsChecked: 0,
    lost: 0,
    duplicated: 0,
    cancelsSent: 0,
    cancelsHonoured: 0,
    steersSent: 0,
    steersApplied: 0,
    disconnectCancels: 0,
    presenceChecks: 0,
    clientDisconnects: 0,
  };
}

type Plan = { owner: 'canceller' | 'steerer'; kind: 'normal' | 'cancel' | 'early-cancel' | 'steer' };

/** What the deterministic agent writes for a prompt: short words from a PRNG seeded by the prompt. */
function words(prompt: string, n: number): string[] {
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 16777619);
  const rnd = seededRandom(h >>> 0);
  const vocab = ['ok', 'the', 'wave', 'µ', 'ß', 'é', 'token', '✓', 'a b', 'x', 'yz', '\n', '"q"', '<b>', '日本'];
  return Array.from({ length: n }, (_, i) => (i === 0 ? '' : ' ') + vocab[Math.floor(rnd() * vocab.length)]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The agent's handler. The prompt names the plan: `normal` streams and completes; `cancel` streams a
 * little then waits for the cancel; `steer` streams a little, waits for a steer, applies it and
 * completes. Waits are bounded, so an unhonoured control ends the turn `complete` and fails the run.
 */
async function handle(turn: Turn): Promise<void> {
  const [kind, , count] = turn.input.text.split(' ');
  const n = Number(count);
  const w = words(turn.input.text, n);
  const head = kind === 'normal' ? n : Math.max(1, Math.floor(n / 3));
  for (let i = 0; i < head && !turn.signal.aborted; i++) {
    turn.write(w[i]);
    await delay(1 + (i % 4), turn.signal);
  }
  if (kind === 'cancel' || kind === 'early-cancel') {
    await delay(CHAOS_TIMING.settleMs, turn.signal);
    return;
  }
  if (kind === 'steer') {
    const deadline = Date.now() + CHAOS_TIMING.settleMs;
    let s = turn.steers.take();
    while (!s && !turn.signal.aborted && Date.now() < deadline) {
      await delay(5, turn.signal);
      s = turn.steers.take();
    }
    if (s) turn.write(` [steered: ${s.text}]`);
    for (let i = head; i < n && !turn.signal.aborted; i++) {
      turn.write(w[i]);
      await delay(1, turn.signal);
    }
  }
}

async function until(pred: () => boolean, ms = CHAOS_TIMING.settleMs): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

function responseFor(s: SessionState, responseId: string): ResponseEntry | undefined {
  const k = s.responses[responseId];
  const e = k ? entryOf(s, k) : undefined;
  return e?.kind === 'response' ? e : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

interface Client {
  id: string;
  ably: Ably.Realtime;
  ctrl: SessionController;
}

/** A server the run does not own (the soak's, in another process): no restarts, a given session. */
export interface ExternalServer {
  port: number;
  key: string;
  sessionId: string;
}

/**
 * One seeded run: a fresh server (with a data dir), proxy, agent and three clients — or, with
 * `external`, the same against a long-lived server, where a session may already hold earlier turns.
 */
export async function chaosRun(seed: number, external?: ExternalServer): Promise<RunStats> {
  const rnd = seededRandom(seed * 7919 + 17);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const stats: RunStats = { seed, ...zeroTally(), failures: [] };
  const fail = (msg: string) => stats.failures.push(msg);
  const dataDir = external ? '' : mkdtempSync(join(tmpdir(), 'ds-chaos-'));
  const key = external?.key ?? generateKey('chaos');
  const serverOpts = {
    keys: [key],
    dataDir,
    maxIdleInterval: CHAOS_TIMING.maxIdleInterval,
    presenceGraceMs: CHAOS_TIMING.presenceGraceMs,
    fsyncIntervalMs: 20,
  };
  let server: LocalServer | undefined = external ? undefined : await createServer({ port: 0, ...serverOpts });
  const port = external?.port ?? server!.port;
  const proxy = new FaultProxy(port);
  await proxy.start();
  const sessionId = external?.sessionId ?? `session:chaos-${seed}`;
  // JSON on purpose: the fault proxy reads each frame's action and channel to choose which frames it
  // may reorder. The msgpack path is held to the conformance suite instead.
  const baseOptions: Ably.ClientOptions = { key, endpoint: '127.0.0.1', tls: false, useBinaryProtocol: false };
  const sdkTimings = {
    disconnectedRetryTimeout: 50,
    suspendedRetryTimeout: 100,
    channelRetryTimeout: 100,
    realtimeRequestTimeout: CHAOS_TIMING.realtimeRequestTimeout,
  };
  const realtime = (clientId: string, viaProxy: boolean) =>
    new Ably.Realtime({
      ...baseOptions,
      port: viaProxy ? proxy.port : port,
      clientId,
      logLevel: 0,
      ...sdkTimings,
    });

  const records: TurnRecord[] = [];
  const agentErrors: string[] = [];
  const agentAbly = realtime('agent-1', false);
  const agent: Agent = createAgent({
    transport: createAblyTransport({ client: agentAbly }),
    sessionId,
    agentId: 'agent-1',
    handler: handle,
    batch: { intervalMs: 3, maxChars: 12 },
    onTurnEnd: (r) => records.push(r),
    onError: (e) => agentErrors.push(`${e.code}: ${e.message}`),
  });
  const clients: Client[] = ['canceller', 'steerer', 'watcher'].map((id) => {
    const ably = realtime(id, true);
    ably.connection.on('disconnected', () => stats.clientDisconnects++);
    const ctrl = createSessionController({ transport: createAblyTransport({ client: ably }), sessionId, scheduler: microtaskScheduler, presence: { device: id } });
    return { id, ably, ctrl };
  });
  const [canceller, steerer] = clients;

  let faulting = true;
  let restarting: Promise<void> = Promise.resolve();
  let faultLoop: Promise<void> = Promise.resolve();
  const t0 = Date.now();
  const faultLog: string[] = [];
  const log = (what: string) => faultLog.push(`${Date.now() - t0}ms ${what}`);
  const faults = async () => {
    let stalls = 0;
    let restarts = 0;
    for (let i = 0; i < 8 && faulting; i++) {
      await sleep(10 + Math.floor(rnd() * 80));
      if (!faulting) break;
      const r = rnd();
      if (r < 0.35) log(`drop ${proxy.drop()}`);
      else if (r < 0.75) {
        const ms = 5 + Math.floor(rnd() * 60);
        proxy.delay(ms, rnd() < 0.6);
        log(`delay ${ms}`);
      } else if (r < 0.88 && stalls === 0) {
        stalls++;
        log('stall');
        proxy.stall(CHAOS_TIMING.maxIdleInterval + CHAOS_TIMING.realtimeRequestTimeout + 300);
      } else if (restarts === 0 && server) {
        restarts++;
        log('restart');
        const old = server;
        restarting = (async () => {
          await old.close();
          server = await createServer({ port, ...serverOpts });
          proxy.counts.restart++;
        })();
        await restarting;
      }
    }
  };

  try {
    await agent.start();
    await Promise.all(clients.map((c) => c.ctrl.start()));
    // Faults start once everyone is in: starting up under faults is the app's retry loop, not the kit's.
    faultLoop = faults();

    const plans: Plan[] = [];
    const turnCount = 2 + Math.floor(rnd() * 3);
    for (let i = 0; i < turnCount; i++) {
      const owner = rnd() < 0.5 ? 'canceller' : 'steerer';
      plans.push({ owner, kind: owner === 'canceller' ? pick(['normal', 'cancel', 'cancel', 'early-cancel'] as const) : pick(['normal', 'steer', 'steer'] as const) });
    }
    const turnIds: string[] = [];
    const cancelled = new Set<string>();
    const steers = new Map<string, string>();
    for (const [i, plan] of plans.entries()) {
      const c = plan.owner === 'canceller' ? canceller : steerer;
      const n = 6 + Math.floor(rnd() * 30);
      const sent = await c.ctrl.send(`${plan.kind} ${seed}-${i} ${n}`);
      if (!sent.ok) {
        fail(`send failed: ${sent.error.message}`);
        continue;
      }
      const turnId = sent.id;
      turnIds.push(turnId);
      const target = { kind: 'turn' as const, turnId };
      const hasText = () => {
        const s = c.ctrl.store.getState();
        return (s.turns[turnId]?.responseKeys ?? []).some((k) => (entryOf(s, k) as ResponseEntry).text.length > 0);
      };
      if (plan.kind === 'cancel' || plan.kind === 'early-cancel') {
        if (plan.kind === 'cancel' && !(await until(hasText))) fail(`turn ${i}: no text reached the canceller`);
        for (let attempt = 0; attempt < 5; attempt++) {
          const r = await c.ctrl.cancel(target);
          if (r.ok) {
            stats.cancelsSent++;
            cancelled.add(turnId);
            break;
          }
          await sleep(100);
        }
      } else if (plan.kind === 'steer') {
        if (!(await until(hasText))) fail(`turn ${i}: no text reached the steerer`);
        for (let attempt = 0; attempt < 5; attempt++) {
          const r = await c.ctrl.steer(`go left ${i}`, target);
          if (r.ok) {
            stats.steersSent++;
            steers.set(turnId, r.id);
            break;
          }
          await sleep(100);
        }
      }
      // Let the turn finish before the next, so plans stay independent.
      if (!(await until(() => records.some((r) => r.turnId === turnId)))) fail(`turn ${i} (${plan.kind}) never ended at the agent`);
    }
    faulting = false;
    await faultLoop;
    await restarting;
    stats.turns = turnIds.length;

    // Every client converges on the agent's record, byte for byte.
    const expected = turnIds.map((t) => records.find((r) => r.turnId === t)).filter((r): r is TurnRecord => r !== undefined);
    const settled = (c: Client) => {
      const s = c.ctrl.store.getState();
      return expected.every((r) => {
        const e = responseFor(s, r.responseId);
        return e !== undefined && e.status === r.status && !e.gap && e.text.length >= r.text.length;
      });
    };
    await until(() => clients.every(settled));
    for (const c of clients) {
      c.ctrl.flush();
      const s = c.ctrl.store.getState();
      for (const r of expected) {
        const e = responseFor(s, r.responseId);
        const got = e?.text ?? '';
        const p = commonPrefix(got, r.text);
        stats.lost += r.text.length - p;
        stats.duplicated += got.length - p;
        stats.charsChecked += r.text.length;
        if (got !== r.text) fail(`${c.id}: response ${r.responseId} text differs: got ${JSON.stringify(got)} expected ${JSON.stringify(r.text)}`);
        if (e?.status !== r.status) fail(`${c.id}: response ${r.responseId} status ${e?.status} expected ${r.status}`);
        if ((s.turns[r.turnId]?.responseKeys.length ?? 0) !== 1) fail(`${c.id}: turn ${r.turnId} has ${s.turns[r.turnId]?.responseKeys.length} responses`);
      }
      const users = Object.values(s.entries).filter((e): e is UserEntry => e.kind === 'user' && turnIds.includes(e.turnId));
      if (users.length !== turnIds.length || users.some((u) => u.pending)) {
        fail(`${c.id}: ${users.length} user messages (${users.filter((u) => u.pending).length} pending) for ${turnIds.length} turns`);
      }
    }
    for (const r of expected) {
      if (cancelled.has(r.turnId)) {
        if (r.status === 'cancelled' && r.aborted) stats.cancelsHonoured++;
        else fail(`cancel of ${r.turnId} not honoured: ${r.status}`);
      } else if (r.aborted || r.status === 'cancelled') {
        stats.disconnectCancels++;
        fail(`turn ${r.turnId} was cancelled without a cancel`);
      } else if (r.status !== 'complete') fail(`turn ${r.turnId} ended ${r.status}`);
      const steerId = steers.get(r.turnId);
      if (steerId !== undefined) {
        if (r.steersApplied.includes(steerId)) stats.steersApplied++;
        else fail(`steer ${steerId} not applied`);
      }
    }
    // The steerer sees its steers acknowledged.
    const acked = () => [...steers.values()].every((id) => steerer.ctrl.store.getState().steers[id]?.status === 'applied');
    if (!(await until(acked))) fail('steer acknowledgement did not reach the steerer');

    // Presence converges: every client sees the agent and the three clients, each once.
    const want = ['agent-1', 'canceller', 'steerer', 'watcher'].join(',');
    const view = (c: Client) =>
      c.ctrl.store
        .getState()
        .presence.map((m) => m.clientId)
        .sort()
        .join(',');
    await until(() => clients.every((c) => view(c) === want));
    for (const c of clients) {
      stats.presenceChecks++;
      if (view(c) !== want) fail(`${c.id}: presence ${view(c)} expected ${want}`);
    }
    if (agentErrors.length > 0) fail(`agent errors: ${agentErrors.slice(0, 3).join(' | ')}`);
  } catch (e) {
    fail(`run threw: ${e instanceof Error ? e.stack : String(e)}`);
  } finally {
    faulting = false;
    await faultLoop.catch(() => undefined);
    await restarting.catch(() => undefined);
    stats.faults = { ...proxy.counts };
    if (stats.failures.length > 0) stats.failures.push(`faults: ${faultLog.join(', ')}`);
    for (const c of clients) {
      await c.ctrl.stop().catch(() => undefined);
      c.ably.close();
    }
    await agent.stop().catch(() => undefined);
    agentAbly.close();
    await proxy.close();
    if (server) {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return stats;
}

/** Runs `runs` seeded runs, `concurrency` at a time; seeds are `seed`, `seed + 1`, …. */
export async function chaos(opts: { runs: number; seed: number; concurrency?: number; onRun?: (s: RunStats) => void }): Promise<ChaosTotals> {
  const totals: ChaosTotals = { runs: 0, ...zeroTally(), failedRuns: [] };
  let next = 0;
  const worker = async () => {
    while (next < opts.runs) {
      const s = await chaosRun(opts.seed + next++);
      totals.runs++;
      for (const k of Object.keys(totals.faults) as (keyof FaultCounts)[]) totals.faults[k] += s.faults[k];
      for (const k of ['turns', 'charsChecked', 'lost', 'duplicated', 'cancelsSent', 'cancelsHonoured', 'steersSent', 'steersApplied', 'disconnectCancels', 'presenceChecks', 'clientDisconnects'] as const) {
        totals[k] += s[k];
      }
      if (s.failures.length > 0) totals.failedRuns.push({ seed: s.seed, failures: s.failures });
      opts.onRun?.(s);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 6) }, worker));
  return totals;
}

export function formatTotals(t: ChaosTotals, seed: number): string {
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)} %`);
  const f = t.faults;
  return [
    `chaos: ${t.runs} runs from seed ${seed}, ${t.failedRuns.length} failed`,
    `  faults injected: ${f.drop + f.delay + f.stall + f.restart} (drop ${f.drop}, delay ${f.delay} with ${f.reorder} frame pairs reordered, heartbeat stall ${f.stall}, server restart ${f.restart}); client connections lost ${t.clientDisconnects}`,
    `  turns ${t.turns}; characters checked ${t.charsChecked} (agent text × 3 clients)`,
    `  lost ${t.lost}, duplicated ${t.duplicated}`,
    `  cancels honoured ${t.cancelsHonoured}/${t.cancelsSent} (${pct(t.cancelsHonoured, t.cancelsSent)}); steers applied ${t.steersApplied}/${t.steersSent}`,
    `  disconnect-cancels ${t.disconnectCancels}/${t.turns - t.cancelsSent} uncancelled turns (${pct(t.disconnectCancels, t.turns - t.cancelsSent)})`,
    `  presence converged ${t.presenceChecks} client views`,
  ].join('\n');
}
