// 10. Agent failover: an agent's socket dies mid-answer (and never comes back, as when its process is
// killed). Measured from the kill: → both tabs show `interrupted` (no standby), and → the first new
// token from a standby that takes the turn over. The service notices the death after its presence
// grace (Ably and the local server default to 15 s; 1 s here) and the tabs and standby wait their own.
import { kit, localServer, now, quick, report, sleep, stats, until } from '../lib.mjs';

const RUNS = quick ? 3 : 10;
const GRACE = 1000;
const k = await kit();
const srv = await localServer({ presenceGraceMs: GRACE });
const never = new Promise(() => undefined);

function writer(clientId, opts = {}) {
  const client = srv.client({ clientId });
  let written = 0;
  const agent = k.createAgent({
    transport: k.createAblyTransport({ client }),
    sessionId: opts.sessionId,
    agentId: 'writer',
    takeoverAfterMs: GRACE,
    standby: opts.standby ?? false,
    handler: async (turn) => {
      for (let i = Math.floor((turn.resumed?.text.length ?? 0) / 4); i < 400 && !turn.signal.aborted; i++) {
        turn.write(`w${String(i).padStart(2, '0')} `.slice(0, 4));
        written++;
        if (opts.hangAfter && written >= opts.hangAfter) await never;
        await sleep(5);
      }
    },
  });
  return { client, agent };
}

function tab(sessionId, clientId) {
  return k.createSessionController({ transport: k.createAblyTransport({ client: srv.client({ clientId }) }), sessionId, agentGoneMs: GRACE });
}

const response = (c) => k.selectThread(c.store.getState()).find((e) => e.kind === 'response');

async function run(i, withStandby) {
  const sessionId = `bench-failover-${withStandby ? 's' : 'k'}-${i}`;
  const primary = writer(`agent-${i}`, { sessionId, hangAfter: 20 });
  const standby = withStandby ? writer(`standby-${i}`, { sessionId, standby: true }) : null;
  await primary.agent.start();
  if (standby) await standby.agent.start();
  const tabs = [tab(sessionId, 'alice'), tab(sessionId, 'bob')];
  await Promise.all(tabs.map((t) => t.start()));
  await tabs[0].send('write');
  await until(() => tabs.every((t) => (response(t)?.text.length ?? 0) >= 80), 'the first words');
  const killedLength = response(tabs[0]).text.length;
  const t0 = now();
  srv.server.dropConnection(primary.client.connection.id, 'now', { holdUntil: never });
  let ms;
  if (withStandby) {
    await until(() => tabs.every((t) => (response(t)?.text.length ?? 0) > killedLength), 'the standby to write', 30_000);
    ms = now() - t0;
    await standby.agent.stop();
  } else {
    await until(() => tabs.every((t) => response(t)?.status === 'interrupted'), 'interrupted in every tab', 30_000);
    ms = now() - t0;
  }
  await Promise.all(tabs.map((t) => t.stop()));
  return ms;
}

try {
  const interrupted = [];
  const takeover = [];
  for (let i = 0; i < RUNS; i++) interrupted.push(await run(i, false));
  for (let i = 0; i < RUNS; i++) takeover.push(await run(i, true));
  const a = stats(interrupted);
  const b = stats(takeover);
  report({
    section: `10. Agent failover (${RUNS} kills each; service presence grace ${GRACE} ms, tab and standby grace ${GRACE} ms)`,
    rows: [
      { metric: 'agent killed → every tab shows interrupted', value: `p50 ${(a.p50 / 1000).toFixed(2)} s · p99 ${(a.p99 / 1000).toFixed(2)} s`, note: `of which waiting out the two graces: ${(2 * GRACE) / 1000} s` },
      { metric: 'standby takeover → first new token in every tab', value: `p50 ${(b.p50 / 1000).toFixed(2)} s · p99 ${(b.p99 / 1000).toFixed(2)} s`, note: `of which waiting out the two graces: ${(2 * GRACE) / 1000} s` },
    ],
    data: { runs: RUNS, graceMs: GRACE, interrupted: a, takeover: b },
  });
} finally {
  await srv.close();
}
