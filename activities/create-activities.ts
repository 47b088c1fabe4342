import { analysisActivityName, type AnalysisActivities } from '../common/analysis-activities';
import { ANALYSIS_KINDS } from '../common/types';
import type { AnalysisBackend } from '../backends/analysis-backend';
import type { AnalysisSettings } from '../backends/analysis-settings';
import type { PriceTable } from '../cost/price-table';
import type { FailureNotifier } from '../notifications/failure-notifier';
import { createAnnounceActivities, type AnnounceDeps } from './announce-outcome';
import { createArchiveActivities } from './archive-original';
import { loadIntakeConfig, type IntakeConfig } from '../intake/config';
import { createListLibraryPageActivity } from './list-library-page';
import { createPlaybackProxyActivity } from './make-playback-proxy';
import { createProbeActivity } from './probe-media';
import { createRecordActivities } from './record-status';
import { createQuotaPermitActivity, type QuotaDeps } from './quota-permit-request';
import { createReduceActivity } from './reduce-spine';
import { createAnalysisActivity } from './run-analysis';
import type { MediaRecords } from '../storage/media-records';
import type { ObjectStore } from '../storage/object-store';
import type { ReportWriter } from '../report/report-writer';
import { createReportActivity } from './write-report';
import { loadWorkerConfig, type ArchiveSettings } from '../worker/config';

/** Everything the activities talk to; created once per worker, injected by tests. */
export interface ActivityDeps {
  store: ObjectStore;
  records: MediaRecords;
  backend: AnalysisBackend;
  settings: AnalysisSettings;
  notifier: FailureNotifier;
  reportWriter: ReportWriter;
  prices: PriceTable;
  announce: AnnounceDeps;
  /** How analyses reach the job-quota semaphores; only backends with quotas need it. */
  quota?: QuotaDeps;
  /** The starter's intake config, for the backfill; unset, read once from the environment. */
  intake?: IntakeConfig;
  /** Where originals are archived after COMPLETED; unset, read once from the worker's environment. */
  archive?: ArchiveSettings;
}

/** All activities of analyzeMedia (and of the backfill), bound to their dependencies. */
export function createActivities(deps: ActivityDeps) {
  const analyses = Object.fromEntries(
    ANALYSIS_KINDS.map((kind) => [analysisActivityName(kind), createAnalysisActivity(kind, deps)]),
  ) as AnalysisActivities;
  return {
    ...createRecordActivities(deps),
    requestQuotaPermit: createQuotaPermitActivity(deps.quota),
    probeMedia: createProbeActivity(deps),
    ...analyses,
    reduceSpine: createReduceActivity(deps),
    writeReport: createReportActivity(deps),
    makePlaybackProxy: createPlaybackProxyActivity(deps),
    ...createArchiveActivities({ store: deps.store, archive: () => (deps.archive ??= loadWorkerConfig().archive) }),
    ...createAnnounceActivities(deps.announce),
    listLibraryPage: createListLibraryPageActivity({ store: deps.store, intake: () => (deps.intake ??= loadIntakeConfig()) }),
  };
}

export type ReelscopeActivities = ReturnType<typeof createActivities>;
