/** The codec server was asked to start in a way that would let callers decrypt unchecked. */
export class CodecServerConfigError extends Error {
  override readonly name = 'CodecServerConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
