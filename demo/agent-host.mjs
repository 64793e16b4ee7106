// The demo's agent process: one Node process serving every session the demo app opens, through the
// real ably SDK (local server or Ably cloud). Each agent has its own connection and identity, and
// publishes straight into the session. Every turn's outcome is logged as JSON lines, so tests can
// compare what a page shows with what the agent actually wrote. With DS_STANDBY=1 it is a standby:
// it answers no new message, but takes over the answers of a process that died, and retries.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as Ably from 'ably';
import { serveSessions } from '../dist/agent/index.js';
import { createDemoAgent } from '../dist/agent/demo/index.js';
import { createAblyTransport } from '../dist/transports/ably.js';

const env = process.env;
const key = env.ABLY_API_KEY || env.DS_KEY;
if (!key) {
  console.error('agent-host: set ABLY_API_KEY (Ably cloud) or DS_KEY (local server key).');
  process.exit(2);
}
const local = !env.ABLY_API_KEY;
const port = Number(env.DS_SERVER_PORT ?? 8787);
const logPath = env.DS_AGENT_LOG ?? '.data/agent-log.jsonl';
// Slow enough that a person can reload, go offline, stop or steer while an answer streams.
const tokensPerSecond = Number(env.DS_TOKENS_PER_SECOND ?? 8);
const tokens = Number(env.DS_TOKENS ?? 150);
const thinkMs = Number(env.DS_THINK_MS ?? 300);
const standby = env.DS_STANDBY === '1';
const role = standby ? 'standby' : 'primary';
const takeover = env.DS_TAKEOVER ?? 'continue';
mkdirSync(dirname(logPath), { recursive: true });

const log = (entry) => {
  const line = JSON.stringify({ at: new Date().toISOString(), role, ...entry });
  appendFileSync(logPath, `${line}\n`);
  if (entry.type !== 'turn-start') console.log(`agent-host: ${entry.type} ${entry.agentId} ${entry.sessionId} ${entry.status ?? ''} ${entry.reason ?? ''}`);
};

// "assistant" answers every message; "reviewer" joins the turns that mention @reviewer.
const AGENTS = [
  { agentId: 'assistant', name: 'Assistant', respondTo: () => true },
  { agentId: 'reviewer', name: 'Reviewer', respondTo: (m) => /@reviewer\b/i.test(m.text) },
];

const connectionOptions = (clientId) => ({
  key,
  clientId,
  ...(local ? { endpoint: env.DS_SERVER_HOST ?? 'localhost', port, tls: false } : {}),
});

const clients = new Map(AGENTS.map((a) => [a.agentId, new Ably.Realtime(connectionOptions(`agent-${a.agentId}`))]));
const transports = new Map([...clients].map(([id, client]) => [id, createAblyTransport({ client })]));
const lobbyTransport = transports.get('assistant');

/** Closing connections waits for the server's reply, which never comes once the server is gone. */
const STOP_DEADLINE_MS = 2000;
let stopping = false;
let host = null;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
  await host?.stop().catch(() => {});
  await Promise.all([...transports.values()].map((t) => t.close().catch(() => {})));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Started by the launcher with an IPC channel: it closes when the launcher dies, however it dies.
if (process.send) {
  if (process.connected) process.on('disconnect', stop);
  else void stop();
}

host = await serveSessions({
  transport: lobbyTransport,
  createAgents: (sessionId) =>
    AGENTS.map((a) =>
      createDemoAgent({
        transport: transports.get(a.agentId),
        sessionId,
        agentId: a.agentId,
        name: a.name,
        tokensPerSecond,
        tokens,
        thinkMs,
        respondTo: a.respondTo,
        voice: a.agentId,
        standby,
        takeover,
        onTakeover: (t) => console.log(`agent-host: ${role} took over ${a.agentId} ${sessionId} ${t.responseId}`),
        onTurnEnd: (r) => log({ type: r.aborted ? 'abort' : 'turn-end', ...r }),
        onError: (e) => console.error(`agent-host: ${a.agentId} ${sessionId}: ${e.message}`),
      }),
    ),
  onError: (e) => console.error(`agent-host: ${e.message}`),
});
// A process started after the page announced its session (a restart, a replacement) still serves it:
// sessions announced in the last hour are in the lobby's history.
const RECENT_MS = 3_600_000;
const recent = await clients
  .get('assistant')
  .channels.get('lobby')
  .history({ limit: 100 })
  .catch((e) => console.error(`agent-host: lobby history: ${e.message}`));
const announced = new Set((recent?.items ?? []).filter((m) => m.name === 'session.open' && Date.now() - m.timestamp < RECENT_MS).map((m) => m.data?.sessionId));
for (const sessionId of announced) if (typeof sessionId === 'string') void host.serve(sessionId);
console.log(`agent-host: ${role} serving sessions announced on "lobby" (${local ? `local server :${port}` : 'Ably cloud'}); log ${logPath}`);
