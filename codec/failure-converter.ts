import { DefaultFailureConverter } from '@temporalio/common';

/**
 * A failure's message and stack trace are plain strings in the Failure proto, so a payload codec
 * never sees them, yet they quote what went wrong: content, names, local paths. Encoding them
 * as a payload (the failure's encoded attributes) sends them through the codec like every other
 * payload; the stored message reads "Encoded failure". Loaded by path, never imported: the SDK
 * requires it in workers and clients, and compiles it into the workflow bundle, because a
 * workflow converts the failures it throws inside its own sandbox.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
