import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OUTCOME_EVENT_SOURCE, type MediaOutcomeEvent } from '../common/outcome-event';

/** Announces a media's outcome to whoever listens on the deployment's bus. */
export interface OutcomePublisher {
  publish(event: MediaOutcomeEvent): Promise<void>;
}

/** An entry EventBridge refused; `retryable` says whether a later attempt can succeed. */
export class OutcomePublishError extends Error {
  override readonly name = 'OutcomePublishError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

// PutEvents answers 200 with per-entry errors; these are the request's fault, not the service's.
const PERMANENT_ENTRY_ERRORS = new Set(['MalformedDetail', 'InvalidArgument', 'ValidationException', 'AccessDeniedException', 'NotAuthorizedForSourceException']);

/**
 * EventBridge on AWS: one PutEvents entry per outcome on the deployment's bus. PutEvents is
 * not idempotent, so a retried attempt may publish twice: the event id in the detail is what
 * rules' targets deduplicate on (at least once, never silently none).
 */
export function eventBridgePublisher(client: EventBridgeClient, eventBusName: string): OutcomePublisher {
  return {
    async publish(event) {
      const answer = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusName,
              Source: OUTCOME_EVENT_SOURCE,
              DetailType: event.detailType,
              Time: new Date(event.occurredAt),
              Detail: JSON.stringify(event),
            },
          ],
        }),
      );
      const [entry] = answer.Entries ?? [];
      if ((answer.FailedEntryCount ?? 0) > 0 || !entry?.EventId) {
        const code = entry?.ErrorCode ?? 'NoEventId';
        throw new OutcomePublishError(`EventBridge refused the ${event.detailType} event: ${code}: ${entry?.ErrorMessage ?? 'no event id returned'}`, !PERMANENT_ENTRY_ERRORS.has(code));
      }
    },
  };
}

/** pino's calling convention (fields first). */
export interface OutcomeLog {
  info(fields: Record<string, unknown>, message: string): void;
}

/** The message of the outcome line: the local stand-in for the bus, matched by log-based rules. */
export const OUTCOME_LOG_MESSAGE = 'media outcome';

/** Without a bus (the embedded default, or AWS with none configured) the outcome is one log line. */
export function logOutcomePublisher(log: OutcomeLog): OutcomePublisher {
  return {
    async publish(event) {
      log.info({ source: OUTCOME_EVENT_SOURCE, ...event }, OUTCOME_LOG_MESSAGE);
    },
  };
}
