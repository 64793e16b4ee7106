import { describe, expect, it } from 'vitest';
import { createAgent, type TurnRecord } from '../../src/agent/index.js';
import { entryOf, selectResponse, type SessionState } from '../../src/core/index.js';
import { seededRandom } from '../../src/core/random.js';
import { createMemoryTransport, type MemoryTransport } from '../../src/transports/memory.js';
import { client, createBroker } from '../helpers/session-fixture.js';
import { settle, until } from '../helpers/until.js';

const SCHEDULES = 240;
const CONCURRENCY = 12;
/** Set to explore other schedules; a failure names its seed and faults so it can be replayed. */
const SEED_BASE = Number(process.env.PROPERTY_SEED_BASE ?? 0);
const PIECES = ['lorem ', 'ipsum ', 'é', '日本', '😀', ' dolor', '\n', 'sit amet', ', ', 'ß'];


interface Outcome {
  seed: number;
  faults: string[];
  records: TurnRecord[];
  state: SessionState;
  problem?: string;
}

/** What a schedule did to the client's connection, applied at chunk boundaries of the agent's stream. */
function fault(rnd: () => number, t: MemoryTransport, agentTransport: MemoryTransport, log: string[]): Promise<void> | void {
  const r = rnd();
  if (r < 0.03) {
    // The agent's own connection blips too; its appends wait in order and nothing is cancelled.
    log.push('agentBlip');
    agentTransport.disconnect();
    return settle(1).then(() => agentTransport.reconnect());
  }
  if (r < 0.12) {
    log.push('disconnect');
    t.disconnect();
    const wait = Math.floor(rnd() * 3);
    return (async () => {
      await settle(wait);
      log.push('reconnect');
      await t.reconnect();
    })();
  }
  if (r < 0.18) {
    log.push('forceDiscontinuity');
    return t.forceDiscontinuity();
  }
  if (r < 0.26) {
    const n = 1 + Math.floor(rnd() * 3);
    log.push(`dropNext(${n})`);
    t.dropNext(n);
    return;
  }
  if (r < 0.32) {
    const f = { dropRate: rnd() < 0.5 ? 0 : rnd() * 0.2, duplicateRate: rnd() * 0.5 };
    log.push(`setFaults(${f.dropRate.toFixed(2)},${f.duplicateRate.toFixed(2)})`);
    t.setFaults(f);
    return;
  }
  if (r < 0.38) {
    const ms = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 2);
    log.push(`setLatency(${ms})`);
    t.setLatency(ms);
  }
}

async function runSchedule(seed: number): Promise<Outcome> {
  const rnd = seededRandom(seed * 7919 + 17);
  const broker = createBroker();
  const sessionId = `prop-${seed}`;
  const records: TurnRecord[] = [];
  const faults: string[] = [];
  const pending: Promise<void>[] = [];
  const written = new Map<string, string>();
  const { transport, ctrl } = client(broker, `c${seed}`, sessionId, { seed, duplicateRate: rnd() * 0.3 });

  const agentTransport = createMemoryTransport({ broker, clientId: 'agent', seed: seed + 1, duplicateRate: rnd() * 0.3 });
  const agent = createAgent({
    transport: agentTransport,
    sessionId,
    agentId: 'agent',
    batch: { intervalMs: 1, maxChars: 1 + Math.floor(rnd() * 8) },
    onTurnEnd: (r) => records.push(r),
    handler: async (turn) => {
      const chunks = 8 + Math.floor(rnd() * 25);
      for (let i = 0; i < chunks; i++) {
        const piece = PIECES[Math.floor(rnd() * PIECES.length)];
        written.set(turn.responseId, (written.get(turn.responseId) ?? '') + piece);
        turn.write(piece);
        const f = fault(rnd, transport, agentTransport, faults);
        if (f) pending.push(f);
        if (rnd() < 0.4) await settle(1);
      }
    },
  });
  await agent.start();
  // A second tab with a clean connection: whatever alice went through, both must end on one transcript.
  const observer = client(broker, `o${seed}`, sessionId);
  await Promise.all([ctrl.acquire(), observer.ctrl.acquire()]);

  const turns = 1 + Math.floor(rnd() * 2);
  for (let i = 0; i < turns; i++) {
    await ctrl.send(`question ${i} of schedule ${seed}`);
    await until(() => records.length, `agent record ${i} (seed ${seed})`, { ok: (n) => n > i });
  }
  await Promise.all(pending);
  // Whatever the schedule left behind, one ordinary connection blip with faults off — a resume, not
  // a discontinuity — must be enough for the client to converge.
  transport.setFaults({ dropRate: 0, duplicateRate: 0 });
  transport.setLatency(0);
  transport.disconnect();
  await transport.reconnect();

  const out: Outcome = { seed, faults, records, state: ctrl.store.getState() };
  const unfaithful = records.filter((r) => r.status !== 'complete' || r.text !== written.get(r.responseId));
  if (unfaithful.length > 0) out.problem = `the agent's record differs from what its handler wrote for ${unfaithful.length} turn(s)`;
  try {
    out.state = await until(
      () => (ctrl.flush(), ctrl.store.getState()),
      `convergence of seed ${seed}`,
      {
        ok: (s) => !s.connection.backfilling && records.every((r) => selectResponse(s, r.responseId)?.status === r.status && selectResponse(s, r.responseId)?.text === r.text),
        timeoutMs: 3000,
      },
    );
  } catch {
    out.problem = [out.problem, 'did not converge within 3 s'].filter(Boolean).join('; ');
  }
  // Let any late duplicate or replay land, then look again.
  await settle(3);
  ctrl.flush();
  out.state = ctrl.store.getState();
  const settled = (st: SessionState) => records.every((r) => selectResponse(st, r.responseId)?.status === r.status);
  try {
    const o = await until(() => observer.ctrl.store.getState(), `the observer of seed ${seed}`, { ok: settled, timeoutMs: 3000 });
    if (JSON.stringify(transcript(o)) !== JSON.stringify(transcript(out.state))) out.problem = [out.problem, 'the observer tab holds a different transcript'].filter(Boolean).join('; ');
  } catch {
    out.problem = [out.problem, 'the observer tab did not settle'].filter(Boolean).join('; ');
  }
  await observer.ctrl.stop();
  await ctrl.stop();
  await agent.stop();
  return out;
}

function transcript(s: SessionState) {
  return s.order.map((k) => {
    const e = entryOf(s, k)!;
    return e.kind === 'user' ? [k, e.text] : [k, e.text, e.status];
  });
}

interface Tally {
  lost: number;
  duplicated: number;
  problems: string[];
}

/** Compares the client's transcript with the agent's records: characters lost or repeated, and anything else amiss. */
function tally(o: Outcome): Tally {
  const s = o.state;
  const t: Tally = { lost: 0, duplicated: 0, problems: [] };
  for (const r of o.records) {
    const got = selectResponse(s, r.responseId);
    if (!got) {
      t.lost += r.text.length;
      t.problems.push(`response ${r.responseId} missing`);
      continue;
    }
    if (got.text !== r.text) {
      t.lost += Math.max(0, r.text.length - got.text.length);
      t.duplicated += Math.max(0, got.text.length - r.text.length);
      t.problems.push(`text differs (expected ${r.text.length} chars, got ${got.text.length})`);
    }
    if (got.status !== r.status) t.problems.push(`status ${got.status}, expected ${r.status}`);
    if (got.gap) t.problems.push('still marked gap');
  }
  const keys = s.order.filter((k) => !k.startsWith('local:'));
  if (new Set(s.order).size !== s.order.length) t.problems.push('order has duplicate keys');
  const userEntries = keys.map((k) => entryOf(s, k)!).filter((e) => e.kind === 'user');
  const respEntries = keys.map((k) => entryOf(s, k)!).filter((e) => e.kind === 'response');
  if (userEntries.length !== o.records.length) t.problems.push(`${userEntries.length} user entries for ${o.records.length} turns`);
  if (respEntries.length !== o.records.length) t.problems.push(`${respEntries.length} response entries for ${o.records.length} turns`);
  if (s.order.length !== keys.length) t.problems.push('an optimistic entry was never confirmed');
  if (o.problem) t.problems.push(o.problem);
  return t;
}

describe('reducer idempotence under seeded fault schedules on the memory transport', () => {
  it(`converges to the agent's exact text with 0 lost and 0 duplicated characters over ${SCHEDULES} schedules`, async () => {
    const outcomes: Outcome[] = [];
    for (let base = 0; base < SCHEDULES; base += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, SCHEDULES - base) }, (_, i) => runSchedule(SEED_BASE + base + i + 1));
      outcomes.push(...(await Promise.all(batch)));
    }
    const tallies = outcomes.map(tally);
    const failures = outcomes.flatMap((o, i) => (tallies[i].problems.length ? [`seed ${o.seed}: ${tallies[i].problems.join('; ')} — faults: ${o.faults.join(' ')}`] : []));
    const lost = tallies.reduce((n, t) => n + t.lost, 0);
    const duplicated = tallies.reduce((n, t) => n + t.duplicated, 0);
    const chars = outcomes.reduce((n, o) => n + o.records.reduce((m, r) => m + r.text.length, 0), 0);
    const faultCount = outcomes.reduce((n, o) => n + o.faults.length, 0);
    const kinds = new Set(outcomes.flatMap((o) => o.faults.map((f) => f.replace(/\(.*$/, ''))));
    console.info(`${outcomes.length} schedules from seed ${SEED_BASE + 1}: ${faultCount} faults, ${chars} characters checked, ${lost} lost, ${duplicated} duplicated, ${failures.length} failing schedules`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(outcomes).toHaveLength(SCHEDULES);
    expect(chars).toBeGreaterThan(SCHEDULES * 20);
    expect([...kinds].sort()).toEqual(['agentBlip', 'disconnect', 'dropNext', 'forceDiscontinuity', 'reconnect', 'setFaults', 'setLatency']);
  });
});
