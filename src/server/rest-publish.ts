// Publishing over REST, for publishers without a socket (a route handler, a queue consumer): a batch
// of creates with id idempotency, and one message's append or update, under the realtime rules.
import { BrokerError, type Broker } from '../broker/index.js';
import { publisherIdFor } from './connection.js';
import type { AuthContext } from './key-store.js';
import { publishMessages, type Publisher, type PublishRules } from './publish.js';
import { messageAction } from './wire.js';

/**
 * The publisher a REST request stands for. `X-Ably-ClientId` (base64, sent by the SDK when it has a
 * `clientId` and uses basic auth) names the client, and must agree with a token's clientId.
 */
export function restPublisher(auth: AuthContext, clientIdHeader: string | string[] | undefined): Publisher {
  const bound = auth.clientId !== undefined && auth.clientId !== '*' ? auth.clientId : undefined;
  let clientId = bound;
  if (typeof clientIdHeader === 'string' && clientIdHeader !== '') {
    const named = Buffer.from(clientIdHeader, 'base64').toString('utf8');
    if (bound !== undefined && named !== bound) {
      throw new BrokerError(40102, 401, `X-Ably-ClientId "${named}" conflicts with the token's clientId "${bound}".`);
    }
    clientId = named;
  }
  return { auth, publisherId: (claimed) => publisherIdFor(auth, clientId, claimed) };
}

/** `POST /channels/:name/messages`: one message or an array, all checked before any is committed. */
export function restPublish(broker: Broker, rules: PublishRules, who: Publisher, channel: string, body: unknown): { channel: string; serials: string[] } {
  const messages = Array.isArray(body) ? body : [body];
  for (const m of messages) {
    const action = typeof m === 'object' && m !== null ? messageAction((m as { action?: unknown }).action) : undefined;
    if (action !== undefined && action !== 'message.create') {
      throw new BrokerError(40003, 400, `POST /channels/${channel}/messages publishes new messages only; send ${action} with channel.appendMessage() or updateMessage() (PATCH /channels/${channel}/messages/:serial).`);
    }
  }
  return { channel, serials: publishMessages(who, channel, broker, { messages }, rules) };
}

/** `PATCH /channels/:name/messages/:serial`: the SDK's appendMessage and updateMessage over REST. */
export function restUpdate(broker: Broker, rules: PublishRules, who: Publisher, channel: string, serial: string, body: unknown): { versionSerial: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BrokerError(40001, 400, 'The request body must be one message.');
  const m = body as Record<string, unknown>;
  if (m.serial !== undefined && m.serial !== serial) throw new BrokerError(40003, 400, `The message's serial "${String(m.serial)}" differs from the one in the path, "${serial}".`);
  const action = messageAction(m.action);
  if (action !== 'message.append' && action !== 'message.update') {
    throw new BrokerError(40003, 400, `PATCH /channels/${channel}/messages/:serial takes message.append or message.update; publish new messages with channel.publish().`);
  }
  const [versionSerial] = publishMessages(who, channel, broker, { messages: [{ ...m, serial }] }, rules);
  return { versionSerial };
}
