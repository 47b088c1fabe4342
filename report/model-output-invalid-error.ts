import type { ModelUsage } from './report-writer';

/** The model's answer did not match the schema, even after one repair turn. */
export class ModelOutputInvalidError extends Error {
  override readonly name = 'ModelOutputInvalidError';
  constructor(
    message: string,
    /** The tokens were billed all the same. */
    readonly usage: ModelUsage,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
