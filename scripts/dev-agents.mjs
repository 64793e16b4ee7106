// The launcher's local-only controls of the demo's agent processes: list them, kill one as a crash
// would, start one — for the "Kill the agent process" button and the failover e2e.

/**
 * GET agents (pids by role); POST kill-agent?role=&restart=0 (a kill -9, kept dead with restart=0);
 * POST start-agent?role=&takeover=. The custom header keeps other sites' pages from posting here.
 */
export function devAgentsApi({ processes, held, running, start }) {
  return async (req, url, json) => {
    const role = url.searchParams.get('role') ?? 'primary';
    if (role !== 'primary' && role !== 'standby') return json(400, { error: 'role must be primary or standby' });
    if (url.pathname === '/api/dev/agents') return json(200, Object.fromEntries([...processes].map(([r, c]) => [r, c.pid])));
    if (req.method !== 'POST' || req.headers['x-ds-dev'] !== '1') return json(400, { error: 'POST with the header x-ds-dev: 1' });
    if (url.pathname === '/api/dev/kill-agent') {
      const child = processes.get(role);
      if (!child) return json(409, { error: `no ${role} agent process is running` });
      if (url.searchParams.get('restart') === '0') held.add(role);
      child.kill('SIGKILL');
      return json(200, { role, killed: child.pid });
    }
    if (url.pathname === '/api/dev/start-agent') {
      held.delete(role);
      if (running(role)) return json(409, { error: `a ${role} agent process is running` });
      const takeover = url.searchParams.get('takeover');
      if (takeover && !['continue', 'restart', 'off'].includes(takeover)) return json(400, { error: 'takeover must be continue, restart or off' });
      const child = await start(role, takeover ? { DS_TAKEOVER: takeover } : {});
      return json(200, { role, started: child.pid });
    }
    return json(404, { error: 'unknown dev endpoint' });
  };
}
