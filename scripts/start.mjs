// `npm start`: the local Ably-protocol server, the demo agent processes and the demo app, in one
// command with one Ctrl-C. Set ABLY_API_KEY to run the same demo on Ably cloud instead of the
// local server; nothing else changes. However the launcher ends — a signal to it alone (a process
// manager, an IDE's stop button), a failure, an exception — it takes its children with it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import * as Ably from 'ably';
import { createServer as createVite } from 'vite';
import { devAgentsApi } from './dev-agents.mjs';
import { devSeedApi } from './dev-seed.mjs';

const HELP = `Usage: npm start [-- --reuse-build]   (or node scripts/start.mjs [--reuse-build])

Starts the local server, the demo agents and the demo app, and prints the URL to open.

  --reuse-build   use dist/ as it is even if src/ is newer (it is still built when missing);
                  also DS_REUSE_BUILD=1
  --help          this text

Environment:
  ABLY_API_KEY          run on Ably cloud instead of the local server
  DS_APP_PORT           demo app port (default 5173)
  DS_SERVER_PORT        local server port (default 8787)
  DS_DATA_DIR           where the server keeps channels and the agents their log (default .data)
  DS_TOKENS_PER_SECOND  demo agents' words per second (default 8)
  DS_TOKENS             words per answer unless the message says "in N words" (default 150)
  DS_THINK_MS           pause before an answer's first word (default 300)
  DS_STANDBY            0: no standby agent process (default 1: one takes over if the agents die)
  DS_MAX_MESSAGES       messages the local server keeps per session (default 10000; 25000 under DS_E2E=1)

Dev endpoints (local server only, POST with the header x-ds-dev: 1):
  /api/dev/seed?s=<session>&turns=<n>   publish n finished turns (≤ 10000) into a new session
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const cloudKey = env.ABLY_API_KEY;
const local = !cloudKey;
const serverPort = Number(env.DS_SERVER_PORT ?? 8787);
const appPort = Number(env.DS_APP_PORT ?? 5173);
const localKey = env.DS_KEY ?? 'demo.local:local-demo-secret';
const key = cloudKey ?? localKey;
const dataDir = env.DS_DATA_DIR ?? join(root, '.data');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--reuse-build');
if (unknown.length > 0) {
  process.stderr.write(`Unknown option ${unknown[0]}\n\n${HELP}`);
  process.exit(2);
}
const reuseBuild = args.includes('--reuse-build') || env.DS_REUSE_BUILD === '1';
/** Every process this launcher started and that has not exited yet. */
const children = new Set();
/** The demo agent processes by role: `primary` answers, `standby` takes over answers of a dead one. */
const agentChildren = new Map();
/** Roles whose process was killed on purpose and stays dead until started again. */
const held = new Set();
/** How long after an agent process died unasked a new one starts. */
const AGENT_RESTART_MS = 2000;
/** Roles whose process is starting: it counts as running, so a role never gets two processes. */
const starting = new Set();
const agentRunning = (role) => agentChildren.has(role) || starting.has(role);
const withStandby = env.DS_STANDBY !== '0';
let serverChild = null;
let vite = null;
let shuttingDown = false;
/** How long a child may take to end on SIGTERM before it is killed outright. */
const CHILD_GRACE_MS = 3000;

function say(msg) {
  process.stdout.write(`${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`\n${msg}\n`);
  void shutdown(1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** What the server and agent processes load from dist/. */
const BUILT = ['dist/server/cli.js', 'dist/agent/index.js', 'dist/agent/demo/index.js', 'dist/transports/ably.js'];

function ensureBuilt() {
  const built = BUILT.map((f) => join(root, f));
  if (built.every(existsSync)) {
    if (reuseBuild) return Promise.resolve();
    const oldest = Math.min(...built.map((f) => statSync(f).mtimeMs));
    if (oldest >= newestMtime(join(root, 'src'))) return Promise.resolve();
  }
  say('building the library (dist/) for the server and agent processes…');
  return run(process.execPath, [join(root, 'scripts/build.mjs')], 'build').catch(() => {
    throw new Error('The library build failed (see above). Run `npm install` first, then `npm run build` to see the error alone.');
  });
}

function run(cmd, args, name) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    children.add(p);
    p.on('exit', (code) => {
      children.delete(p);
      if (code === 0) resolve();
      else reject(new Error(`${name} exited with ${code}`));
    });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * Starts a child process, prefixing its output, and resolves when `ready` matches a line. The IPC
 * channel closes when this process dies, however it dies, so a child that watches it can follow.
 */
function startChild(name, args, extraEnv, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.add(child);
    let done = false;
    const onLine = (stream) => (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        stream.write(`[${name}] ${line}\n`);
        if (!done && ready.test(line)) {
          done = true;
          resolve(child);
        }
      }
    };
    child.stdout.on('data', onLine(process.stdout));
    child.stderr.on('data', onLine(process.stderr));
    child.on('exit', (code) => {
      children.delete(child);
      if (!done) reject(new Error(`${name} exited (code ${code}) before it was ready`));
      else if (!shuttingDown && !child.restarting) say(`[${name}] exited with code ${code}`);
    });
  });
}

function startLocalServer() {
  // Under test a killed agent's connection is noticed in a second; the demo keeps Ably's 15 s.
  // It also keeps a whole 10,000-turn session (20,000 messages) for the paging tests.
  const grace = env.DS_E2E === '1' ? { DS_PRESENCE_GRACE_MS: env.DS_PRESENCE_GRACE_MS ?? '1000', DS_MAX_MESSAGES: env.DS_MAX_MESSAGES ?? '25000' } : {};
  return startChild('server', [join(root, 'dist/server/cli.js'), 'dev', '--port', String(serverPort), '--data-dir', join(dataDir, 'channels'), '--key', localKey], grace, /url:/).then(
    (c) => (serverChild = c),
  );
}

/** Restarts the local server (same port, same data dir): for demos and tests of durability. */
async function restartLocalServer() {
  if (!serverChild) throw new Error('No local server is running (ABLY_API_KEY is set).');
  const old = serverChild;
  old.restarting = true;
  await endChild(old);
  await startLocalServer();
}

/**
 * Starts the agent process of `role`. One that dies unasked (a crash, a kill -9) is replaced, so the
 * demo keeps answering; meanwhile the standby, or the replacement, takes its answers over.
 */
async function startAgents(role, extraEnv = {}) {
  starting.add(role);
  const child = await startChild(
    role === 'primary' ? 'agents' : 'standby',
    [join(root, 'demo/agent-host.mjs')],
    { DS_KEY: localKey, DS_SERVER_PORT: String(serverPort), DS_AGENT_LOG: env.DS_AGENT_LOG ?? join(dataDir, 'agent-log.jsonl'), DS_STANDBY: role === 'standby' ? '1' : '0', ...extraEnv },
    /serving sessions/,
  ).finally(() => starting.delete(role));
  agentChildren.set(role, child);
  child.on('exit', () => {
    if (agentChildren.get(role) === child) agentChildren.delete(role);
    if (shuttingDown || held.has(role)) return;
    setTimeout(() => {
      if (shuttingDown || held.has(role) || agentRunning(role)) return;
      say(`[launcher] starting a new ${role} agent process`);
      startAgents(role).catch((e) => say(`[launcher] ${e.message}`));
    }, AGENT_RESTART_MS);
  });
  return child;
}

const devAgents = devAgentsApi({ processes: agentChildren, held, running: agentRunning, start: startAgents });

const BROWSER_CAPABILITY = JSON.stringify({ 'session:*': ['subscribe', 'publish', 'presence', 'history'], lobby: ['publish'] });

function apiPlugin() {
  const rest = new Ably.Rest({ key, ...(local ? { endpoint: 'localhost', port: serverPort, tls: false } : {}) });
  const devSeed = devSeedApi(rest);
  return {
    name: 'durable-sessions-demo-api',
    configureServer(server) {
      server.middlewares.use(async (req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const json = (status, body) => {
          res.statusCode = status;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
        };
        try {
          if (url.pathname === '/api/config') {
            return json(200, local ? { mode: 'local', host: 'localhost', port: serverPort, devAgents: true } : { mode: 'ably' });
          }
          if (local && url.pathname === '/api/dev/seed') return await devSeed(req, url, json);
          if (local && url.pathname.startsWith('/api/dev/')) return await devAgents(req, url, json);
          if (url.pathname === '/api/token') {
            // The browser never sees the API key: it gets a signed, short-lived token request
            // limited to session channels and the lobby.
            const clientId = url.searchParams.get('clientId') || `user-${Math.random().toString(36).slice(2, 8)}`;
            if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(clientId)) return json(400, { error: 'clientId must match [A-Za-z0-9_.:-]{1,64}' });
            return json(200, await rest.auth.createTokenRequest({ clientId, capability: BROWSER_CAPABILITY, ttl: 3_600_000 }));
          }
          if (url.pathname === '/api/test/restart-server' && env.DS_E2E === '1' && req.method === 'POST') {
            await restartLocalServer();
            return json(200, { restarted: true });
          }
        } catch (e) {
          return json(500, { error: e instanceof Error ? e.message : String(e) });
        }
        next();
      });
    },
  };
}

async function main() {
  await ensureBuilt();
  if (shuttingDown) return;
  if (local && !(await portFree(serverPort))) {
    return fail(`Port ${serverPort} is in use, so the local server cannot start. Stop whatever uses it, or run DS_SERVER_PORT=8788 npm start.`);
  }
  if (!(await portFree(appPort))) {
    return fail(`Port ${appPort} is in use, so the demo app cannot start. Stop whatever uses it, or run DS_APP_PORT=5174 npm start.`);
  }
  if (local) await startLocalServer();
  if (shuttingDown) return;
  await Promise.all([startAgents('primary'), withStandby ? startAgents('standby') : null]);
  if (shuttingDown) return;
  vite = await createVite({
    root: join(root, 'demo'),
    configFile: false,
    logLevel: 'warn',
    plugins: [react(), apiPlugin()],
    // Under test, source edits must not hot-reload pages mid-scenario.
    server: { port: appPort, strictPort: true, host: '127.0.0.1', ...(env.DS_E2E === '1' ? { hmr: false, watch: null } : {}) },
    resolve: { alias: { 'durable-sessions-src': join(root, 'src') } },
  });
  await vite.listen();
  if (shuttingDown) return;
  say('');
  say(`  durable-sessions demo is running (${local ? `local server on :${serverPort}` : 'Ably cloud'})`);
  say(`  open  http://localhost:${appPort}/   — copy the URL into another tab or browser to join the same session`);
  say('  stop  Ctrl-C');
  say('');
}

/** Ends one child: SIGTERM, then SIGKILL if it is still there after the grace period. */
function endChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), CHILD_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function shutdown(code = 0) {
  if (shuttingDown) return;
  shuttingDown = true;
  // The agents go first, while the server is still there to close their connections cleanly.
  await Promise.all([...agentChildren.values()].map(endChild));
  await Promise.all([vite?.close().catch(() => {}), ...[...children].map(endChild)]);
  process.exit(code);
}

// Whatever ends this process, nothing it started outlives it.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
// A second signal while shutting down (an impatient Ctrl-C) ends everything at once; one that
// arrives with the first (npm forwarding the terminal's Ctrl-C) does not.
let firstSignalAt = 0;
const onSignal = () => {
  if (shuttingDown && Date.now() - firstSignalAt > 1000) process.exit(1);
  firstSignalAt ||= Date.now();
  void shutdown(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
process.on('uncaughtException', (e) => fail(`launcher: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
process.on('unhandledRejection', (e) => fail(`launcher: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
