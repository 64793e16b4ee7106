import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Ably from 'ably';
import { createAgent, type Agent, type TurnRecord } from '../../src/agent/index.js';
import {
  createSessionController,
  microtaskScheduler,
  parentOfTurn,
  selectBranchInfo,
  selectPath,
  selectPathEntries,
  selectPendingApprovals,
  type ApprovalDecision,
  type SessionController,
} from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';
import { entryOf, type ResponseEntry, type SessionState, type UserEntry } from '../../src/core/session-state.js';
import { createServer, generateKey, type LocalServer } from '../../src/server/index.js';
import { createAblyTransport } from '../../src/transports/ably.js';
import { chaosHandler, streamedOf } from './chaos-agent.js';
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
  /** Parts compared with the agent's record, summed over every client. */
  partsChecked: number;
  /** Reasoning and tool-input characters compared, summed over every client. */
  partChars: number;
  /** Turns whose agent streamed reasoning and a tool call. */
  toolTurns: number;
  approvalsSent: number;
  /** Approvals the agent obeyed exactly once, with every client showing that decision. */
  approvalsDecided: number;
  /** Agents killed mid-turn, and turns another instance took over and finished. */
  agentKills: number;
  takeovers: number;
  /** Client views that showed a dead agent's response `interrupted` before a replacement started. */
  interruptedShown: number;
  /** Responses checked for a final status in every client (none may stay streaming). */
  finalChecked: number;
  /** Edits made (each a new branch), and client views checked to hold it beside the original. */
  edits: number;
  branchesChecked: number;
  /** Turns whose agent transcript was checked against the path a client shows to that turn. */
  transcriptsChecked: number;
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
    partsChecked: 0,
    partChars: 0,
    toolTurns: 0,
    approvalsSent: 0,
    approvalsDecided: 0,
    agentKills: 0,
    takeovers: 0,
    interruptedShown: 0,
    finalChecked: 0,
    edits: 0,
    branchesChecked: 0,
    transcriptsChecked: 0,
  };
}

type Plan = { owner: 'canceller' | 'steerer'; kind: 'normal' | 'cancel' | 'early-cancel' | 'tool-cancel' | 'steer' | 'tool' | 'approval' | 'doomed' | 'edit' };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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
  const decisions = new Map<string, ApprovalDecision[]>();
  const onDecision = (turnId: string, d: ApprovalDecision) => decisions.set(turnId, [...(decisions.get(turnId) ?? []), d]);
  // Some runs kill the agent mid-turn: a standby present from the start takes the turn over, or a
  // replacement started once every tab shows the turn interrupted does.
  const agentFault: 'none' | 'standby' | 'restart' = external ? 'none' : rnd() < 0.3 ? (rnd() < 0.5 ? 'standby' : 'restart') : 'none';
  const takeovers: string[] = [];
  const transcripts = new Map<string, string[]>();
  const handler = chaosHandler({ waitMs: CHAOS_TIMING.settleMs, onDecision });
  const startAgent = (clientId: string, extra: { standby?: boolean } = {}) => {
    const ably = realtime(clientId, false);
    const a = { clientId, ably, dead: false, agent: undefined as unknown as Agent };
    a.agent = createAgent({
      transport: createAblyTransport({ client: ably }),
      sessionId,
      agentId: 'agent-1',
      handler: (turn) => {
        if (!a.dead) transcripts.set(turn.turnId, turn.transcript.map((l) => l.text));
        return handler(turn);
      },
      batch: { intervalMs: 3, maxChars: 12 },
      // Longer than a server restart takes to bring a live agent's presence back, so only a death is taken over.
      takeoverAfterMs: 1000,
      ...extra,
      // A killed instance's handler runs on in this process; what it does after death is not the run's.
      onTurnEnd: (r) => void (a.dead || records.push(r)),
      onError: (e) => void (a.dead || agentErrors.push(`${clientId} ${e.code}: ${e.message}`)),
      onTakeover: (t) => takeovers.push(t.turnId),
    });
    return a;
  };
  const agents = [startAgent('agent-1')];
  if (agentFault === 'standby') agents.push(startAgent('agent-2', { standby: true }));
  const clients: Client[] = ['canceller', 'steerer', 'watcher'].map((id) => {
    const ably = realtime(id, true);
    ably.connection.on('disconnected', () => stats.clientDisconnects++);
    const ctrl = createSessionController({ transport: createAblyTransport({ client: ably }), sessionId, scheduler: microtaskScheduler, presence: { device: id }, agentGoneMs: 200 });
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
    for (const a of agents) await a.agent.start();
    await Promise.all(clients.map((c) => c.ctrl.start()));
    // Faults start once everyone is in: starting up under faults is the app's retry loop, not the kit's.
    faultLoop = faults();

    const plans: Plan[] = [];
    const turnCount = 2 + Math.floor(rnd() * 3);
    for (let i = 0; i < turnCount; i++) {
      const owner = rnd() < 0.5 ? 'canceller' : 'steerer';
      plans.push({ owner, kind: owner === 'canceller' ? pick(['normal', 'cancel', 'cancel', 'early-cancel', 'tool-cancel'] as const) : pick(['normal', 'steer', 'steer', 'tool', 'approval', 'edit'] as const) });
    }
    // The killed turn is the last: a standby answers no new messages, it only takes turns over.
    if (agentFault !== 'none') plans[plans.length - 1] = { owner: 'canceller', kind: 'doomed' };
    const turnIds: string[] = [];
    const cancelled = new Set<string>();
    const steers = new Map<string, string>();
    const decided = new Map<string, ApprovalDecision>();
    /** Edit turn → the turn whose message it edits. */
    const edits = new Map<string, string>();
    for (const [i, plan] of plans.entries()) {
      const c = plan.owner === 'canceller' ? canceller : steerer;
      const n = 6 + Math.floor(rnd() * 30);
      // An edit rewrites the steerer's own latest question as a new branch (answered like a plain turn).
      const own = plan.kind === 'edit' ? selectPathEntries(c.ctrl.store.getState()).filter((e) => e.kind === 'user' && e.clientId === c.id).at(-1) : undefined;
      const text = `${plan.kind === 'edit' ? 'normal' : plan.kind} ${seed}-${i} ${n}`;
      const sent = own ? await c.ctrl.edit(own.key, text) : await c.ctrl.send(text);
      if (own && sent.ok) {
        edits.set(sent.id, own.turnId);
        stats.edits++;
      }
      if (!sent.ok) {
        fail(`send failed: ${sent.error.message}`);
        continue;
      }
      const turnId = sent.id;
      turnIds.push(turnId);
      const target = { kind: 'turn' as const, turnId };
      if (plan.kind === 'tool' || plan.kind === 'tool-cancel' || plan.kind === 'approval') stats.toolTurns++;
      // Text, or for a tool turn some of the tool's input: a cancel then lands mid-stream.
      const hasText = () => {
        const s = c.ctrl.store.getState();
        return (s.turns[turnId]?.responseKeys ?? []).some((k) => {
          const e = entryOf(s, k) as ResponseEntry;
          return e.text.length > 0 || e.parts.some((p) => p.type === 'tool-call' && p.inputText.length > 0);
        });
      };
      if (agentFault !== 'none' && i === plans.length - 1) {
        if (!(await until(hasText))) fail(`turn ${i}: no text before the kill`);
        agents[0].dead = true;
        stats.agentKills++;
        log('kill agent');
        agents[0].ably.close();
        if (agentFault === 'restart') {
          const shows = (c: Client) => {
            const s = c.ctrl.store.getState();
            return (s.turns[turnId]?.responseKeys ?? []).some((k) => entryOf(s, k)?.kind === 'response' && (entryOf(s, k) as ResponseEntry).status === 'interrupted');
          };
          if (await until(() => clients.every(shows))) stats.interruptedShown += clients.length;
          else fail(`turn ${i}: not every client showed the dead agent's response interrupted`);
          const replacement = startAgent('agent-1b');
          agents.push(replacement);
          await replacement.agent.start();
        }
      } else if (plan.kind === 'cancel' || plan.kind === 'early-cancel' || plan.kind === 'tool-cancel') {
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
      } else if (plan.kind === 'approval') {
        const prompt = () => selectPendingApprovals(c.ctrl.store.getState()).find((p) => p.response.turnId === turnId);
        if (!(await until(() => prompt() !== undefined))) fail(`turn ${i}: the approval prompt never reached the steerer`);
        const call = prompt();
        const approve = rnd() < 0.6;
        for (let attempt = 0; call && attempt < 5; attempt++) {
          const r = approve ? await c.ctrl.approve(call.part.toolCallId) : await c.ctrl.deny(call.part.toolCallId, { reason: `not now ${i}` });
          if (r.ok) {
            stats.approvalsSent++;
            decided.set(turnId, approve ? { approved: true, by: c.id } : { approved: false, by: c.id, reason: `not now ${i}` });
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
        return e !== undefined && e.status === r.status && !e.gap && e.text.length >= r.text.length && e.parts.length >= r.parts.length;
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
        // Part by part: reasoning and tool input counted like text, then the whole parts compared.
        const gotParts = e?.parts ?? [];
        for (const [j, want] of r.parts.entries()) {
          if (want.type !== 'reasoning' && want.type !== 'tool-call') continue;
          const have = gotParts[j]?.type === want.type ? streamedOf(gotParts[j]) : '';
          const wantS = streamedOf(want);
          const q = commonPrefix(have, wantS);
          stats.lost += wantS.length - q;
          stats.duplicated += have.length - q;
          stats.partChars += wantS.length;
        }
        stats.partsChecked += r.parts.length;
        if (JSON.stringify(gotParts) !== JSON.stringify(r.parts)) fail(`${c.id}: response ${r.responseId} parts differ: got ${JSON.stringify(gotParts).slice(0, 600)} expected ${JSON.stringify(r.parts).slice(0, 600)}`);
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
      const sent = decided.get(r.turnId);
      if (sent !== undefined) {
        const obeyed = decisions.get(r.turnId) ?? [];
        const shown = clients.map((c) => (responseFor(c.ctrl.store.getState(), r.responseId)?.parts.find((p) => p.type === 'tool-call') as { approval?: ApprovalDecision } | undefined)?.approval);
        const same = (d: ApprovalDecision | undefined) => JSON.stringify(d) === JSON.stringify(sent);
        if (obeyed.length === 1 && same(obeyed[0]) && shown.every(same)) stats.approvalsDecided++;
        else fail(`approval in ${r.turnId}: sent ${JSON.stringify(sent)}, agent obeyed ${JSON.stringify(obeyed)}, clients show ${JSON.stringify(shown)}`);
      }
      const steerId = steers.get(r.turnId);
      if (steerId !== undefined) {
        if (r.steersApplied.includes(steerId)) stats.steersApplied++;
        else fail(`steer ${steerId} not applied`);
      }
    }
    // Every client shows the same path (all follow new branches), holds each edit beside the message
    // it edits, and the agent was told exactly the path a client shows to each turn.
    const paths = clients.map((c) => selectPath(c.ctrl.store.getState()).turnIds.join(','));
    if (new Set(paths).size !== 1) fail(`clients show different paths: ${paths.join(' | ')}`);
    for (const [edit, original] of edits) {
      for (const c of clients) {
        const s = c.ctrl.store.getState();
        const key = s.turns[edit]?.userKey;
        const info = key ? selectBranchInfo(s, key) : undefined;
        stats.branchesChecked++;
        if (parentOfTurn(s, edit) !== parentOfTurn(s, original) || !info?.ids.includes(original) || info.ids.indexOf(edit) <= info.ids.indexOf(original)) {
          fail(`${c.id}: edit ${edit} is not a newer sibling of ${original}: ${JSON.stringify(info)}`);
        }
      }
    }
    const s0 = clients[2].ctrl.store.getState();
    for (const r of expected) {
      const told = transcripts.get(r.turnId);
      const chain: string[] = [];
      for (let t = parentOfTurn(s0, r.turnId); t; t = parentOfTurn(s0, t)) chain.unshift(t);
      const lines = chain.flatMap((t) => [s0.turns[t]?.userKey, ...(s0.turns[t]?.responseKeys ?? [])].flatMap((k) => (k ? [entryOf(s0, k)?.text ?? '?'] : [])));
      stats.transcriptsChecked++;
      if (JSON.stringify(told) !== JSON.stringify(lines)) fail(`turn ${r.turnId}: the agent was told ${JSON.stringify(told)}, the path shows ${JSON.stringify(lines)}`);
    }
    // No response stays streaming anywhere, whoever wrote it.
    for (const c of clients) {
      const s = c.ctrl.store.getState();
      for (const key of s.order) {
        const e = entryOf(s, key);
        if (e?.kind !== 'response') continue;
        stats.finalChecked++;
        if (e.status === 'streaming') fail(`${c.id}: response ${e.responseId} still streaming`);
      }
    }
    if (agentFault !== 'none') {
      if (takeovers.length === 1) stats.takeovers++;
      else fail(`${takeovers.length} takeovers of the killed turn (want exactly 1)`);
    }
    // The steerer sees its steers acknowledged.
    const acked = () => [...steers.values()].every((id) => steerer.ctrl.store.getState().steers[id]?.status === 'applied');
    if (!(await until(acked))) fail('steer acknowledgement did not reach the steerer');

    // Presence converges: every client sees the agent and the three clients, each once.
    const want = [...agents.filter((a) => !a.dead).map((a) => a.clientId), 'canceller', 'steerer', 'watcher'].sort().join(',');
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
    for (const a of agents) {
      await a.agent.stop().catch(() => undefined);
      a.ably.close();
    }
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
      for (const k of ['turns', 'charsChecked', 'lost', 'duplicated', 'cancelsSent', 'cancelsHonoured', 'steersSent', 'steersApplied', 'disconnectCancels', 'presenceChecks', 'clientDisconnects', 'partsChecked', 'partChars', 'toolTurns', 'approvalsSent', 'approvalsDecided', 'agentKills', 'takeovers', 'interruptedShown', 'finalChecked', 'edits', 'branchesChecked', 'transcriptsChecked'] as const) {
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
    `  parts checked ${t.partsChecked} (reasoning and tool-input characters ${t.partChars}); tool turns ${t.toolTurns}`,
    `  lost ${t.lost}, duplicated ${t.duplicated} (text, reasoning and tool input)`,
    `  approvals decided ${t.approvalsDecided}/${t.approvalsSent}, each obeyed once by the agent and shown alike by every client`,
    `  cancels honoured ${t.cancelsHonoured}/${t.cancelsSent} (${pct(t.cancelsHonoured, t.cancelsSent)}); steers applied ${t.steersApplied}/${t.steersSent}`,
    `  disconnect-cancels ${t.disconnectCancels}/${t.turns - t.cancelsSent} uncancelled turns (${pct(t.disconnectCancels, t.turns - t.cancelsSent)})`,
    `  agents killed mid-turn ${t.agentKills}: taken over and finished ${t.takeovers}; interrupted shown in ${t.interruptedShown} client views before a replacement started`,
    `  responses with a final status in every client ${t.finalChecked} (none left streaming)`,
    `  edits ${t.edits}, each a newer branch beside its original in ${t.branchesChecked} client views; agent transcripts equal to the shown path ${t.transcriptsChecked}`,
    `  presence converged ${t.presenceChecks} client views`,
  ].join('\n');
}
