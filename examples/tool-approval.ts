// The README's tool-with-approval example, type-checked by `npm run typecheck`. `mail` stands for
// any function of yours with a side effect worth asking a person about.
declare const mail: { send(to: string, body: string): Promise<{ id: string }> };

import { createAgent } from 'durable-sessions/agent';
import { createAblyTransport } from 'durable-sessions/ably';

createAgent({
  transport: createAblyTransport({ options: { key: process.env.ABLY_API_KEY, clientId: 'agent-mailer' } }),
  sessionId: 'session:42',
  agentId: 'mailer',
  handler: async (turn) => {
    turn.reasoning('The user wants an email sent; that needs their approval.');
    const call = turn.toolCall({ toolName: 'send_email', needsApproval: true, input: { to: 'ann@example.com', body: turn.input.text } });
    const decision = await call.approval(); // every tab shows Approve / Deny; the first decision wins
    if (!decision.approved) return turn.write(`I did not send it (${decision.reason ?? 'denied'}).`);
    call.output(await mail.send('ann@example.com', turn.input.text));
    turn.write('Sent.');
  },
}).start();
