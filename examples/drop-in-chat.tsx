// The README's "Drop it into an app" example, type-checked by `npm run typecheck`.
import { DurableChat } from 'durable-sessions/components';
import { createAblyTransport } from 'durable-sessions/ably';
import 'durable-sessions/styles.css';

const transport = () => createAblyTransport({ options: { authUrl: '/api/token' } });

export function Support({ id }: { id: string }) {
  return <DurableChat sessionId={`session:${id}`} transport={transport} />;
}
