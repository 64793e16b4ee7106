// `npm start` ends everything it started when only its own pid is signalled, as a process manager
// or an IDE's stop button does: no child process survives and both ports are free again.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_OPEN } from '../../src/agent/index.js';
import { createSessionController, microtaskScheduler, selectThread } from '../../src/core/index.js';
import { createAblyTransport } from '../../src/transports/ably.js';
import { until } from '../helpers/until.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A free port below the ephemeral range (32768+ on Linux): other suites running alongside bind
 * port 0, and one of them could take an ephemeral port the moment the stack frees it — which would
 * read here as a port the stack failed to free.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await portFree(port)) return port;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Live processes by pid, with their parent; zombies (exited, not yet reaped) count as gone. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid, stat] = line.trim().split(/\s+/);
    if (pid && !stat?.startsWith('Z')) table.set(Number(pid), Number(ppid));
  }
  return table;
}

function descendantsOf(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

const started: { launcher: ChildProcess; pids: number[]; dataDir: string }[] = [];
const clients: { close(): void }[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  // A failed assertion must not leave a demo stack running on the machine.
  for (const { launcher, pids, dataDir } of started.splice(0)) {
    for (const pid of [launcher.pid!, ...pids]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function launch() {
  const [appPort, serverPort] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'ds-launcher-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DS_APP_PORT: String(appPort), DS_SERVER_PORT: String(serverPort), DS_DATA_DIR: dataDir };
  delete env.ABLY_API_KEY;
  const launcher = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--reuse-build'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { launcher, pids: [] as number[], dataDir };
  started.push(entry);
  let output = '';
  launcher.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  launcher.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => launcher.once('exit', () => resolve()));
  await until(() => output, 'the launcher to report the demo running', { ok: (o) => o.includes('demo is running') || launcher.exitCode !== null, timeoutMs: 90_000 });
  expect(output).toContain('demo is running');
  entry.pids = descendantsOf(launcher.pid!);
  return { launcher, pids: entry.pids, appPort, serverPort, exited, output: () => output };
}

/**
 * Opens a session as the demo page does and asks a question both agents answer, then waits until
 * both have started their response: agents serving a session used to outlive the launcher.
 */
async function askMidTurn(serverPort: number): Promise<void> {
  const transport = createAblyTransport({
    options: { key: 'demo.local:local-demo-secret', clientId: 'launcher-test', endpoint: 'localhost', port: serverPort, tls: false },
  });
  clients.push(transport.client);
  await transport.channel('lobby').publish({ name: SESSION_OPEN, data: { sessionId: 'session:launcher' } });
  const ctrl = createSessionController({ transport, sessionId: 'session:launcher', scheduler: microtaskScheduler, enterPresence: false });
  await ctrl.start();
  await until(() => ctrl.store.getState().presence, 'both agents in the session', {
    ok: (p) => ['agent-assistant', 'agent-reviewer'].every((id) => p.some((m) => m.clientId === id)),
    timeoutMs: 20_000,
  });
  expect((await ctrl.send('Tell me about durable sessions @reviewer')).ok).toBe(true);
  await until(() => selectThread(ctrl.store.getState()).filter((e) => e.kind === 'response').length, 'both answers started', {
    ok: (n) => n === 2,
    timeoutMs: 20_000,
  });
}

describe('npm start (scripts/start.mjs)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('ends every child and frees its ports when only its own pid gets %s', async (signal) => {
    const stack = await launch();
    // The local server and the agent process, at least (tsc's build is skipped by --reuse-build).
    expect(stack.pids.length).toBeGreaterThanOrEqual(2);
    expect(await portFree(stack.appPort)).toBe(false);
    expect(await portFree(stack.serverPort)).toBe(false);
    await askMidTurn(stack.serverPort);

    process.kill(stack.launcher.pid!, signal);
    await stack.exited;

    const table = processTable();
    expect(stack.pids.filter((pid) => table.has(pid))).toEqual([]);
    expect(await portFree(stack.appPort)).toBe(true);
    expect(await portFree(stack.serverPort)).toBe(true);
  }, 120_000);

  it('replaces an agent process killed mid-turn, and still ends every process it started, the replacement too', async () => {
    const stack = await launch();
    const api = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${stack.appPort}/api/dev/${path}`, init).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, number> }));
    const before = (await api('agents')).body;
    expect(Object.keys(before).sort()).toEqual(['primary', 'standby']);
    await askMidTurn(stack.serverPort);
    // Without the header a page of another site could post here: refused.
    expect((await api('kill-agent', { method: 'POST' })).status).toBe(400);
    const killed = await api('kill-agent?role=primary', { method: 'POST', headers: { 'x-ds-dev': '1' } });
    expect(killed).toEqual({ status: 200, body: { role: 'primary', killed: before.primary } });
    const after = await until(() => api('agents').then((r) => r.body), 'a new primary agent process', { ok: (b) => b.primary !== undefined && b.primary !== before.primary, timeoutMs: 30_000 });
    expect(after.standby).toBe(before.standby);
    expect(processTable().has(before.primary)).toBe(false);

    process.kill(stack.launcher.pid!, 'SIGTERM');
    await stack.exited;
    const table = processTable();
    expect([...stack.pids, after.primary].filter((pid) => table.has(pid))).toEqual([]);
  }, 120_000);

  it('documents its options in --help', () => {
    const help = execFileSync(process.execPath, [join(root, 'scripts/start.mjs'), '--help'], { encoding: 'utf8' });
    expect(help).toContain('--reuse-build');
    expect(help).toContain('DS_APP_PORT');
  });
});
