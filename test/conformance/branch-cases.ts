// Conformance cases for the conversation tree: edits branch, agents answer the branch with the path
// as their transcript, and each tab's pick of branches is its own — on every transport (run from suite.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent, type Turn } from '../../src/agent/index.js';
import {
  createSessionController,
  entryOf,
  microtaskScheduler,
  selectBranchInfo,
  selectPath,
  selectPathEntries,
  type SessionController,
  type SessionControllerOptions,
  type SessionState,
  type ViewStorage,
} from '../../src/core/index.js';
import type { SessionTransport } from '../../src/core/transport.js';
import { until } from '../helpers/until.js';
import type { ConformanceHarness } from './suite.js';

const WAIT_MS = 15_000;

/** A browser tab's sessionStorage: survives a reload of the tab, not shared with other tabs. */
function tabStorage(): ViewStorage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

/** The thread as a tab shows it, one line per entry. */
const shown = (s: SessionState) => selectPathEntries(s).map((e) => (e.kind === 'user' ? `Q ${e.text}` : `A ${e.text} [${e.status}]`));

export function branchConformance(ctx: { harness(): ConformanceHarness; session(): string }): void {
  describe('branches', () => {
    const open: SessionController[] = [];
    const agents: Agent[] = [];
    afterEach(async () => {
      for (const c of open.splice(0)) await c.stop();
      await Promise.all(agents.splice(0).map((a) => a.stop()));
    });

    async function tab(clientId: string, extra: Partial<SessionControllerOptions> = {}): Promise<{ transport: SessionTransport; ctrl: SessionController }> {
      const transport = await ctx.harness().connect(clientId);
      const ctrl = createSessionController({ transport, sessionId: ctx.session(), scheduler: microtaskScheduler, viewStorage: tabStorage(), ...extra });
      await ctrl.acquire();
      await until(() => ctrl.store.getState().connection.hydrated, 'hydration', { ok: Boolean, timeoutMs: WAIT_MS });
      open.push(ctrl);
      return { transport, ctrl };
    }

    /** An agent that answers every question with its text and what it was told came before. */
    async function startAgent() {
      const transcripts = new Map<string, string[]>();
      const agent = createAgent({
        transport: await ctx.harness().connect('agent-host'),
        sessionId: ctx.session(),
        agentId: 'echo',
        batch: { intervalMs: 5, maxChars: 8 },
        handler: async (turn: Turn) => {
          transcripts.set(turn.input.text, turn.transcript.map((l) => l.text));
          for (const w of `re: ${turn.input.text}`.split(/(?<= )/)) turn.write(w);
        },
      });
      agents.push(agent);
      await agent.start();
      return { agent, transcripts };
    }

    const showing = (c: SessionController, lines: string[], what: string) =>
      until(() => shown(c.store.getState()), what, { ok: (got) => JSON.stringify(got) === JSON.stringify(lines), timeoutMs: WAIT_MS });
    const userKey = (c: SessionController, text: string) => {
      const s = c.store.getState();
      const key = s.order.find((k) => {
        const e = entryOf(s, k);
        return e?.kind === 'user' && e.text === text;
      });
      if (!key) throw new Error(`no user message "${text}"`);
      return key;
    };

    it('an edit makes a branch the agent answers from the path; reload and late join keep both branches exactly; tabs pick branches on their own', async () => {
      const { transcripts } = await startAgent();
      const storage = tabStorage();
      const alice = await tab('alice', { viewStorage: storage });
      const bob = await tab('bob');
      await alice.ctrl.send('one');
      await showing(alice.ctrl, ['Q one', 'A re: one [complete]'], 'the first answer');
      await alice.ctrl.send('two');
      const linear = ['Q one', 'A re: one [complete]', 'Q two', 'A re: two [complete]'];
      await showing(alice.ctrl, linear, 'the second answer');

      const edited = await alice.ctrl.edit(userKey(alice.ctrl, 'two'), 'two, edited');
      expect(edited.ok).toBe(true);
      const branched = ['Q one', 'A re: one [complete]', 'Q two, edited', 'A re: two, edited [complete]'];
      // A new branch is followed in every tab, the one that made it and the one that watched.
      await showing(alice.ctrl, branched, 'the edit answered in the editing tab');
      await showing(bob.ctrl, branched, 'the edit answered in the other tab');
      // The agent read the path to the edited turn, not the branch beside it.
      expect(transcripts.get('two, edited')).toEqual(['one', 're: one']);
      expect(transcripts.get('two')).toEqual(['one', 're: one']);
      for (const c of [alice.ctrl, bob.ctrl]) {
        expect(selectBranchInfo(c.store.getState(), userKey(c, 'two, edited'))).toMatchObject({ index: 1, count: 2 });
        expect(selectBranchInfo(c.store.getState(), userKey(c, 'one'))).toMatchObject({ index: 0, count: 1 });
      }

      // Alice flips back; Bob's tab keeps the branch it shows.
      const bobPath = selectPath(bob.ctrl.store.getState());
      alice.ctrl.selectBranch(userKey(alice.ctrl, 'two, edited'), 0);
      expect(shown(alice.ctrl.store.getState())).toEqual(linear);
      expect(selectPath(bob.ctrl.store.getState())).toBe(bobPath);
      expect(shown(bob.ctrl.store.getState())).toEqual(branched);

      // A follow-up on the old branch continues it; the agent is told that branch's path.
      await alice.ctrl.send('three');
      await showing(alice.ctrl, [...linear, 'Q three', 'A re: three [complete]'], 'a follow-up on the picked branch');
      expect(transcripts.get('three')).toEqual(['one', 're: one', 'two', 're: two']);
      // A follow-up is not a new branch: Bob's tab keeps showing the branch it showed.
      expect(shown(bob.ctrl.store.getState())).toEqual(branched);

      // Reload Alice's tab (same per-tab storage): the picked path comes back, every entry exact.
      const before = alice.ctrl.store.getState();
      await alice.ctrl.stop();
      const reloaded = await tab('alice', { viewStorage: storage });
      await showing(reloaded.ctrl, [...linear, 'Q three', 'A re: three [complete]'], 'the picked path after a reload');
      const after = reloaded.ctrl.store.getState();
      for (const k of before.order) {
        const [was, now] = [entryOf(before, k), entryOf(after, k)];
        expect(now && { ...now, resumed: undefined, timestamp: 0 }).toEqual(was && { ...was, resumed: undefined, timestamp: 0 });
      }

      // A late joiner opens on the newest branch at each branch point, and can pick the others, exactly as they are.
      const carol = await tab('carol');
      await showing(carol.ctrl, branched, 'the newest branch for a late joiner');
      carol.ctrl.selectBranch(userKey(carol.ctrl, 'two, edited'), 0);
      expect(shown(carol.ctrl.store.getState())).toEqual([...linear, 'Q three', 'A re: three [complete]']);
      expect(shown(bob.ctrl.store.getState())).toEqual(branched);
    });

    it("refuses to edit another participant's message, publishing nothing", async () => {
      const alice = await tab('alice');
      const bob = await tab('bob');
      await alice.ctrl.send('mine');
      const key = await until(() => bob.ctrl.store.getState().order.find((k) => !k.startsWith('local:')), "alice's message in bob's tab", { ok: (k) => k !== undefined, timeoutMs: WAIT_MS });
      const before = bob.ctrl.store.getState().order;
      const r = await bob.ctrl.edit(key!, 'not yours');
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error.code).toBe('unauthorized');
      expect(bob.ctrl.store.getState().order).toBe(before);
      const history = await (await ctx.harness().connect('auditor')).channel(ctx.session()).history({ limit: 100 });
      expect(history.items.filter((m) => m.name === 'user.message')).toHaveLength(1);
    });
  });
}
