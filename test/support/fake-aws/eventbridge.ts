import { randomUUID } from 'node:crypto';
import type { FakeAwsContext } from './context';
import { wireError } from './errors';

/** An event the fake's bus accepted, as a rule's target would receive it. */
export interface PublishedEvent {
  id: string;
  eventBusName: string;
  source: string;
  detailType: string;
  time?: string;
  detail: Record<string, unknown>;
}

// PutEvents limits from the EventBridge API reference: 1 to 10 entries, 256 KiB per request.
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * EventBridge PutEvents (JSON 1.1, X-Amz-Target AWSEvents.PutEvents): a request-level
 * ValidationException for a malformed batch, per-entry errors (HTTP 200, FailedEntryCount)
 * for an entry the bus refuses, as the real service answers.
 */
export function eventBridge(context: FakeAwsContext, operation: string, body: Record<string, unknown>): unknown {
  if (operation !== 'PutEvents') throw wireError('eventbridge', 'UnknownOperationException', `The fake EventBridge has no ${operation}`);
  const entries = body['Entries'];
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
    throw wireError('eventbridge', 'ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
  }
  if (Buffer.byteLength(JSON.stringify(entries)) > MAX_REQUEST_BYTES) throw wireError('eventbridge', 'ValidationException', 'Total size of the entries in the request is over the limit.');
  let failed = 0;
  const results = entries.map((raw: unknown) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const bus = typeof entry['EventBusName'] === 'string' ? (entry['EventBusName']).split('/').pop() : 'default';
    const refuse = (ErrorCode: string, ErrorMessage: string) => {
      failed++;
      return { ErrorCode, ErrorMessage };
    };
    if (!bus || !context.config.eventBuses.includes(bus)) return refuse('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    if (typeof entry['Source'] !== 'string' || !entry['Source']) return refuse('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
    if (typeof entry['DetailType'] !== 'string' || !entry['DetailType']) return refuse('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    let detail: unknown;
    try {
      if (typeof entry['Detail'] !== 'string') return refuse('MalformedDetail', 'Detail is malformed.');
      detail = JSON.parse(entry['Detail']);
    } catch {
      return refuse('MalformedDetail', 'Detail is malformed.');
    }
    if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return refuse('MalformedDetail', 'Detail is malformed.');
    const id = randomUUID();
    context.events.push({
      id,
      eventBusName: bus,
      source: entry['Source'],
      detailType: entry['DetailType'],
      ...(typeof entry['Time'] === 'number' ? { time: new Date((entry['Time']) * 1000).toISOString() } : {}),
      detail: detail as Record<string, unknown>,
    });
    return { EventId: id };
  });
  return { FailedEntryCount: failed, Entries: results };
}
