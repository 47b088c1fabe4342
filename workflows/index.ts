// The workflow bundle's entry: every workflow type the worker registers.
export { analyzeMedia } from './analyze-media';
export { announceOutcome } from './announce-outcome';
export { jobQuotaWorkflow } from './quota-semaphore';
export { backfillLibrary } from './backfill-library';
// Each type's versioning behaviour, set on the functions above before any worker registers them.
import './versioning-behaviors';
