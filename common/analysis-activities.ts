import type { AnalysisInput, AnalysisKind, AnalysisOutcome } from './types';

/** Activity type name of an analysis, e.g. `analyzeTranscript`: what the Web UI lists. */
export type AnalysisActivityName<K extends AnalysisKind = AnalysisKind> = `analyze${Capitalize<K>}`;

export type AnalysisActivity = (input: AnalysisInput) => Promise<AnalysisOutcome>;

/** One activity per analysis kind, all with the same shape. */
export type AnalysisActivities = { [K in AnalysisKind as AnalysisActivityName<K>]: AnalysisActivity };

/** The activity type name for an analysis kind. */
export function analysisActivityName<K extends AnalysisKind>(kind: K): AnalysisActivityName<K> {
  return `analyze${kind.charAt(0).toUpperCase()}${kind.slice(1)}` as AnalysisActivityName<K>;
}
