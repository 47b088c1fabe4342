// The workflow bundle's entry: every workflow type the worker registers.
export { analyzeMedia } from './analyze-media';
export { jobQuotaWorkflow } from './quota-semaphore';
