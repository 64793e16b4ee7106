// The launcher's local-only seeding of long sessions, for the paging e2e and for trying a long thread
// by hand: `POST /api/dev/seed?s=<session>&turns=10000` (header x-ds-dev: 1) publishes that many
// finished turns — a user message following the previous turn, and the assistant's complete answer —
// through the ably SDK's REST batch publish, so the agents see answered turns and answer none.

/** Largest batch body the SDK may send (its default maxMessageSize is 64 KiB for a whole batch). */
const BATCH_BYTES = 48_000;
export const MAX_SEED_TURNS = 10_000;

export const seededQuestion = (i) => `Seeded question ${i + 1}`;
export const seededAnswer = (i) => `Seeded answer ${i + 1}: a finished reply kept in the session's history as one message.`;

/** The user message and the complete answer of seeded turn `i` (ids are idempotent: seeding twice adds nothing). */
function turnMessages(sid, i) {
  const turnId = `seed-${sid}-${i}`;
  const responseId = `seed-${sid}-r${i}`;
  return [
    { name: 'user.message', id: `ds.${turnId}`, clientId: 'seed-user', data: { text: seededQuestion(i), parent: i === 0 ? null : `seed-${sid}-${i - 1}` }, extras: { headers: { 'ds-turn': turnId } } },
    {
      name: 'agent.response',
      id: `ds.${responseId}`,
      clientId: 'agent-assistant',
      data: seededAnswer(i),
      extras: { headers: { 'ds-response': responseId, 'ds-agent': 'assistant', 'ds-turn': turnId, 'ds-status': 'complete' } },
    },
  ];
}

/** Publishes `turns` finished turns into `session:<sid>`, oldest first, in batches of one REST request each. */
export async function seedSession(rest, sid, turns) {
  const channel = rest.channels.get(`session:${sid}`);
  const t0 = Date.now();
  let batch = [];
  let bytes = 0;
  let requests = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await channel.publish(batch);
    requests++;
    batch = [];
    bytes = 0;
  };
  for (let i = 0; i < turns; i++) {
    for (const m of turnMessages(sid, i)) {
      const size = JSON.stringify(m).length;
      if (bytes + size > BATCH_BYTES) await flush();
      batch.push(m);
      bytes += size;
    }
  }
  await flush();
  // The server keeps a bounded history per channel: say whether the oldest seeded turn is still there.
  const oldest = await channel.history({ direction: 'forwards', limit: 1 });
  const retainedAll = oldest.items[0]?.id === `ds.seed-${sid}-0`;
  return { sessionId: `session:${sid}`, turns, messages: 2 * turns, requests, retainedAll, ms: Date.now() - t0 };
}

/** The route: POST /api/dev/seed?s=&turns= with the header x-ds-dev: 1. */
export function devSeedApi(rest) {
  return async (req, url, json) => {
    if (req.method !== 'POST' || req.headers['x-ds-dev'] !== '1') return json(400, { error: 'POST with the header x-ds-dev: 1' });
    const sid = url.searchParams.get('s') ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(sid)) return json(400, { error: 's must match [A-Za-z0-9_-]{1,64} (the demo URL\'s ?s=)' });
    const turns = Number(url.searchParams.get('turns') ?? MAX_SEED_TURNS);
    if (!Number.isInteger(turns) || turns < 1 || turns > MAX_SEED_TURNS) return json(400, { error: `turns must be an integer from 1 to ${MAX_SEED_TURNS}` });
    return json(200, await seedSession(rest, sid, turns));
  };
}
