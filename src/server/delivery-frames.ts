// The MESSAGE frame a channel delivery becomes, encoded once per format however many subscribers it
// reaches: fan-out to N connections costs one encoding, not N.
import type { Delivery } from '../broker/index.js';
import { encode, type Format } from './codec.js';
import { Action, toAblyMessage } from './wire.js';

export class DeliveryFrames {
  /**
   * Keyed by the delivered message object: every subscriber shown an event as it is shares that
   * object (and its channel serial); one shown it differently (an update in place of an append it
   * cannot apply) gets an object of its own.
   */
  private readonly encoded = new WeakMap<object, Partial<Record<Format, string | Buffer>>>();

  frame(channel: string, d: Delivery, format: Format): string | Buffer {
    let byFormat = this.encoded.get(d.message);
    if (!byFormat) this.encoded.set(d.message, (byFormat = {}));
    return (byFormat[format] ??= encode({ action: Action.MESSAGE, channel, channelSerial: d.channelSerial, messages: [toAblyMessage(d.message, format)] }, format));
  }
}
