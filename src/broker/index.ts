export { Broker, createBroker, type BrokerOptions } from './broker.js';
export {
  ChannelLog,
  DEFAULT_RETENTION,
  START_SERIAL,
  utf8Length,
  type AppendInput,
  type AppendPrecondition,
  type AttachOptions,
  type CreateInput,
  type Delivery,
  type HistoryOptions,
  type HistoryResult,
  type LogEvent,
  type Origin,
  type RetentionOptions,
  type Subscription,
} from './channel-log.js';
export { PresenceSet, type PresenceChange, type PresenceEntry } from './presence-set.js';
export { BrokerError, BrokerErrors } from './broker-error.js';
export { SerialClock } from './serial-clock.js';
