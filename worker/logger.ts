import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import pino from 'pino';

/** One structured JSON logger per process: pino, with the service name on every line. */
export function createLogger(service: string, level: string): pino.Logger {
  return pino({ level, base: { service } });
}

const PINO_LEVEL: Record<LogLevel, pino.Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * Installs the SDK runtime: its logs (and the workflow and activity `log`) go to pino, and
 * with `metricsBindAddress` its metrics (task slots, schedule-to-start latencies, poll and
 * request counts) are served for Prometheus at `/metrics`. The Runtime is process-wide and
 * can be installed once, so entry points call this, never libraries. An entry point that stops
 * more than a worker on a signal (the demo) passes `shutdownSignals: []` and stops it itself.
 */
export function installTemporalRuntime(logger: pino.Logger, options: { metricsBindAddress?: string; shutdownSignals?: NodeJS.Signals[] } = {}): void {
  const level = (Object.keys(PINO_LEVEL) as LogLevel[]).find((l) => PINO_LEVEL[l] === logger.level) ?? 'INFO';
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => logger[PINO_LEVEL[entry.level]]({ ...entry.meta }, entry.message)),
    ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    ...(options.metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } } } : {}),
  });
}
