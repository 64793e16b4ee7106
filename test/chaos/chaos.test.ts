import { expect, it } from 'vitest';
import { chaos, formatTotals } from './chaos-harness.js';

const runs = Number(process.env.CHAOS_RUNS ?? 100);
const seed = Number(process.env.CHAOS_SEED ?? 1);
const concurrency = Number(process.env.CHAOS_CONCURRENCY ?? 8);

it(`${runs} seeded chaos runs: transcripts and parts equal the agent's record, cancels honoured, approvals decided once, killed agents' turns taken over and none left streaming, edits branch alike everywhere and agents read the shown path, no disconnect cancels, presence converges`, async () => {
  const t = await chaos({ runs, seed, concurrency });
  console.log(formatTotals(t, seed));
  for (const f of t.failedRuns.slice(0, 5)) console.log(`seed ${f.seed}:\n  ${f.failures.slice(0, 6).join('\n  ')}`);
  expect(t.failedRuns).toEqual([]);
  expect(t.runs).toBe(runs);
  expect(t.lost).toBe(0);
  expect(t.duplicated).toBe(0);
  expect(t.disconnectCancels).toBe(0);
  expect(t.cancelsHonoured).toBe(t.cancelsSent);
  expect(t.steersApplied).toBe(t.steersSent);
  expect(t.presenceChecks).toBe(runs * 3);
  expect(t.charsChecked).toBeGreaterThan(0);
  expect(t.partChars).toBeGreaterThan(0);
  expect(t.approvalsSent).toBeGreaterThan(0);
  expect(t.approvalsDecided).toBe(t.approvalsSent);
  expect(t.agentKills).toBeGreaterThan(0);
  expect(t.takeovers).toBe(t.agentKills);
  expect(t.interruptedShown).toBeGreaterThan(0);
  expect(t.finalChecked).toBeGreaterThan(t.turns);
  expect(t.edits).toBeGreaterThan(0);
  expect(t.branchesChecked).toBe(t.edits * 3);
  expect(t.transcriptsChecked).toBeGreaterThan(0);
}, 600_000);
