// Conformance cases for rich turns: parts and approvals through real session controllers and a real
// agent, so each transport is held to the same part-by-part outcome (run from suite.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, type Agent, type Turn, type TurnRecord } from '../../src/agent/index.js';
import { createSessionController, microtaskScheduler, selectPendingApprovals, selectResponse, type SessionController, type ToolCallPart } from '../../src/core/index.js';
import type { SessionTransport } from '../../src/core/transport.js';
import { until } from '../helpers/until.js';
import type { ConformanceHarness } from './suite.js';

const WAIT_MS = 15_000;

interface Tab {
  transport: SessionTransport;
  ctrl: SessionController;
}

export function partsConformance(ctx: { harness(): ConformanceHarness; session(): string }): void {
  describe('parts and approvals', () => {
    const tabs: Tab[] = [];
    const agents: Agent[] = [];
    afterEach(async () => {
      for (const t of tabs.splice(0)) t.ctrl.release();
      await Promise.all(agents.splice(0).map((a) => a.stop()));
    });

    async function open(clientId: string): Promise<Tab> {
      const transport = await ctx.harness().connect(clientId);
      const ctrl = createSessionController({ transport, sessionId: ctx.session(), scheduler: microtaskScheduler, presence: { device: clientId } });
      await ctrl.acquire();
      const tab = { transport, ctrl };
      tabs.push(tab);
      return tab;
    }

    /** A real agent whose turns the test drives: `handler` runs per turn, records collect as turns end. */
    async function startAgent(handler: (turn: Turn) => Promise<unknown>, batch = { intervalMs: 5, maxChars: 16 }) {
      const records: TurnRecord[] = [];
      const agent = createAgent({ transport: await ctx.harness().connect('agent-host'), sessionId: ctx.session(), agentId: 'tools', batch, onTurnEnd: (r) => records.push(r), handler });
      agents.push(agent);
      await agent.start();
      return { records, record: () => until(() => records[0], 'the turn record', { ok: (r) => r !== undefined, timeoutMs: WAIT_MS }) };
    }

    const response = (t: Tab, responseId: string, status = 'complete') =>
      until(() => selectResponse(t.ctrl.store.getState(), responseId), `${status} response`, { ok: (r) => r?.status === status, timeoutMs: WAIT_MS });
    const tool = (t: Tab, responseId: string, ok: (p: ToolCallPart | undefined) => boolean, what: string) =>
      until(() => selectResponse(t.ctrl.store.getState(), responseId)?.parts.find((p): p is ToolCallPart => p.type === 'tool-call'), what, { ok, timeoutMs: WAIT_MS });

    it('a response with every part kind reaches two live tabs and a late joiner exactly as the agent recorded it', async () => {
      const inputs: Turn['input'][] = [];
      const { record } = await startAgent(async (turn) => {
        inputs.push(turn.input);
        turn.reasoning('Weighing ');
        turn.reasoning('the question.');
        turn.write('Looking it up. ');
        const call = turn.toolCall({ toolName: 'search' });
        for (const d of ['{"q":', '"durable', ' sessions"}']) call.inputDelta(d);
        call.input();
        call.running();
        call.output({ hits: 2, top: 'https://example.com/a' });
        turn.toolCall({ toolName: 'fetch', input: { url: 'https://example.com/b' } }).error('timed out');
        const progress = turn.data('progress', { pct: 10 });
        turn.data('progress', { pct: 100 }, progress);
        turn.source({ url: 'https://example.com/a', title: 'A' });
        turn.source({ documentId: 'doc-7' });
        turn.file({ mediaType: 'image/png', url: 'https://example.com/map.png', name: 'map.png' });
        turn.write('Done — two hits.');
      });
      const alice = await open('alice');
      const bob = await open('bob');
      const attachment = { type: 'file' as const, mediaType: 'image/png', url: 'https://example.com/in.png', name: 'in.png' };
      expect((await alice.ctrl.send('find it', { attachments: [attachment], metadata: { lang: 'en' } })).ok).toBe(true);
      const r = await record();
      expect(inputs[0]).toMatchObject({ text: 'find it', attachments: [attachment], metadata: { lang: 'en' } });
      expect(r.parts.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool-call', 'tool-call', 'data-progress', 'source', 'source', 'file', 'text']);
      expect(r.parts[2]).toMatchObject({ state: 'output-available', inputText: '{"q":"durable sessions"}', input: { q: 'durable sessions' }, output: { hits: 2 } });
      expect(r.parts[3]).toMatchObject({ state: 'output-error', errorText: 'timed out' });
      expect(r.parts[4]).toMatchObject({ data: { pct: 100 } });
      const carol = await open('carol');
      for (const t of [alice, bob, carol]) {
        const got = await response(t, r.responseId);
        expect(got?.parts).toEqual(r.parts);
        expect(got?.text).toBe('Looking it up. Done — two hits.');
      }
    });

    it('a tab cut off without resume while a tool call’s input streams comes back holding the exact partial state', async () => {
      let go!: () => void;
      const turns: Turn[] = [];
      const { record } = await startAgent(
        (turn) => {
          turns.push(turn);
          return new Promise<void>((r) => (go = r));
        },
        { intervalMs: 1, maxChars: 1 },
      );
      const alice = await open('alice');
      const bob = await open('bob');
      await alice.ctrl.send('search');
      const turn = await until(() => turns[0], 'the turn', { timeoutMs: WAIT_MS });
      const call = turn.toolCall({ toolName: 'search' });
      call.inputDelta('{"q":"dur');
      for (const t of [alice, bob]) await tool(t, turn.responseId, (p) => p?.inputText === '{"q":"dur', 'the start of the input');
      await ctx.harness().interrupt(
        bob.transport,
        async () => {
          call.inputDelta('able ses');
          turn.reasoning('thinking while away');
          await until(() => selectResponse(alice.ctrl.store.getState(), turn.responseId)?.parts.length, 'alice sees both', { ok: (n) => n === 2, timeoutMs: WAIT_MS });
          await tool(alice, turn.responseId, (p) => p?.inputText === '{"q":"durable ses', 'alice sees the rest');
        },
        { resume: false },
      );
      const partial = await tool(bob, turn.responseId, (p) => p?.inputText === '{"q":"durable ses', 'bob backfilled');
      expect(partial).toMatchObject({ state: 'input-streaming', toolName: 'search' });
      expect(partial?.input).toBeUndefined();
      expect(selectResponse(bob.ctrl.store.getState(), turn.responseId)?.parts).toEqual(selectResponse(alice.ctrl.store.getState(), turn.responseId)?.parts);
      expect(selectResponse(bob.ctrl.store.getState(), turn.responseId)?.parts[1]).toMatchObject({ type: 'reasoning', text: 'thinking while away', state: 'streaming' });
      call.inputDelta('sions"}');
      call.output({ hits: 1 });
      go();
      const r = await record();
      for (const t of [alice, bob]) expect((await response(t, r.responseId))?.parts).toEqual(r.parts);
      expect(r.parts[0]).toMatchObject({ state: 'output-available', input: { q: 'durable sessions' }, inputText: '{"q":"durable sessions"}' });
    });

    async function awaitingApproval() {
      const outcomes: unknown[] = [];
      const agent = await startAgent(async (turn) => {
        const call = turn.toolCall({ toolName: 'send_email', needsApproval: true, input: { to: 'ann@example.com' } });
        const d = await call.approval();
        outcomes.push(d);
        if (d.approved) call.output({ sent: true });
        turn.write(d.approved ? 'Sent.' : `Not sent: ${d.reason ?? 'denied'}.`);
      });
      return { ...agent, outcomes };
    }

    it('an approval decided in one tab is seen settled, with who decided, in the other', async () => {
      const { record, outcomes } = await awaitingApproval();
      const alice = await open('alice');
      const bob = await open('bob');
      await alice.ctrl.send('email Ann');
      for (const t of [alice, bob]) await until(() => selectPendingApprovals(t.ctrl.store.getState()), 'the prompt', { ok: (p) => p.length === 1, timeoutMs: WAIT_MS });
      const [pending] = selectPendingApprovals(alice.ctrl.store.getState());
      expect(pending.part).toMatchObject({ toolName: 'send_email', state: 'awaiting-approval', input: { to: 'ann@example.com' }, needsApproval: true });
      expect((await bob.ctrl.approve(pending.part.toolCallId)).ok).toBe(true);
      const r = await record();
      expect(outcomes).toEqual([{ approved: true, by: 'bob' }]);
      for (const t of [alice, bob]) {
        const got = await response(t, r.responseId);
        expect(got?.parts).toEqual(r.parts);
        expect(got?.parts[0]).toMatchObject({ state: 'output-available', approval: { approved: true, by: 'bob' }, output: { sent: true } });
        expect(selectPendingApprovals(t.ctrl.store.getState())).toEqual([]);
      }
    });

    it('a reload while a call awaits approval keeps it pending, and the reloaded tab can decide it', async () => {
      const { record, outcomes } = await awaitingApproval();
      const alice = await open('alice');
      await alice.ctrl.send('email Ann');
      const [before] = await until(() => selectPendingApprovals(alice.ctrl.store.getState()), 'the prompt', { ok: (p) => p.length === 1, timeoutMs: WAIT_MS });
      alice.ctrl.release();
      await alice.transport.close();
      const reloaded = await open('alice');
      const [after] = await until(() => selectPendingApprovals(reloaded.ctrl.store.getState()), 'the prompt after reload', { ok: (p) => p.length === 1, timeoutMs: WAIT_MS });
      expect(after.part).toEqual(before.part);
      expect(after.response.status).toBe('streaming');
      expect((await reloaded.ctrl.deny(after.part.toolCallId, { reason: 'wrong Ann' })).ok).toBe(true);
      const r = await record();
      expect(outcomes).toEqual([{ approved: false, by: 'alice', reason: 'wrong Ann' }]);
      const got = await response(reloaded, r.responseId);
      expect(got?.parts).toEqual(r.parts);
      expect(got?.parts[0]).toMatchObject({ state: 'denied', approval: { approved: false, by: 'alice', reason: 'wrong Ann' } });
      expect(got?.text).toBe('Not sent: wrong Ann.');
    });
  });
}
