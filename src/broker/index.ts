// The broker's public surface: channel logs by name, with their history, presence and errors. The
// memory transport and the local server build on this and nothing deeper.
export { Broker, createBroker, type BrokerOptions } from './broker.js';
export {
  ChannelLog,
  DEFAULT_RETENTION,
  type AppendInput,
  type AppendPrecondition,
  type CreateInput,
  type Origin,
  type RetentionOptions,
} from './channel-log.js';
export { START_SERIAL, type LogEvent } from './event-log.js';
export type { HistoryOptions, HistoryResult } from './history-query.js';
export { utf8Length } from './message-size.js';
export type { AttachOptions, Delivery, Subscription } from './subscriber-view.js';
export { PresenceSet, type PresenceChange, type PresenceEntry } from './presence-set.js';
export { BrokerError, BrokerErrors } from './broker-error.js';
export { SerialClock } from './serial-clock.js';
