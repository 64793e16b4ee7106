// A refusal by the broker, carrying the Ably error code and HTTP status the `ably` SDK expects, so
// the local server can put it on the wire unchanged.
export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    /** Ably error code, e.g. 40009 (message too large). */
    readonly code: number,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const BrokerErrors = {
  tooLarge: (size: number, max: number) =>
    new BrokerError(40009, 400, `Message of ${size} bytes exceeds the maximum message size of ${max} bytes.`),
  unknownSerial: (serial: string) =>
    new BrokerError(40400, 404, `No message with serial ${serial} on this channel (it never existed or retention dropped it).`),
  badAppend: (why: string) => new BrokerError(40000, 400, `Cannot append: ${why}.`),
  aggregateTooLarge: (max: number) =>
    new BrokerError(40009, 400, `Message would grow past the channel's limit of ${max} bytes; finish this message and start another.`),
} as const;
