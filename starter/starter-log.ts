import type { Logger } from '@aws-lambda-powertools/logger';
import type { Logger as PinoLogger } from 'pino';

/** Structured logging as the starter needs it: lines with attributes, scoped to one media. */
export interface StarterLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
  /** A log whose lines carry the media id as correlation id, to follow one upload across services. */
  withCorrelationId(id: string): StarterLog;
}

/** The Lambda's log: Powertools JSON lines, with the invocation's request id when injected. */
export function powertoolsStarterLog(logger: Logger): StarterLog {
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
    withCorrelationId: (id) => {
      const child = logger.createChild();
      child.setCorrelationId(id);
      return powertoolsStarterLog(child);
    },
  };
}

/** The same lines through pino, for the demo and the CLI (which log to a file). */
export function pinoStarterLog(logger: PinoLogger): StarterLog {
  return {
    info: (message, attributes = {}) => logger.info(attributes, message),
    warn: (message, attributes = {}) => logger.warn(attributes, message),
    error: (message, attributes = {}) => logger.error(attributes, message),
    withCorrelationId: (id) => pinoStarterLog(logger.child({ correlation_id: id })),
  };
}
