/**
 * How each workflow type moves between worker builds under Worker Deployment versioning
 * (docs/DEPLOYING.md, "Worker versioning", says why each is what it is). Kept apart from the
 * workflow modules so the choice is one reviewed list; imported for its effect by index.ts, so
 * every bundle built from workflows/ (the production one and the tests') carries it.
 */
import type { VersioningBehavior, WorkflowDefinitionOptions } from '@temporalio/common';
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import { analyzeMedia } from './analyze-media';
import { announceOutcome } from './announce-outcome';
import { backfillLibrary } from './backfill-library';
import { jobQuotaWorkflow } from './quota-semaphore';

/**
 * The behaviour, declared only when the run's first task is on a versioned worker: the server
 * refuses a task completion that names a behaviour from an unversioned worker (the demo, most
 * tests, any deployment without REELSCOPE_BUILD_ID). Read once, at the run's first activation;
 * on replay the version is the one the history recorded, so the choice replays alike.
 */
function whenVersioned(versioningBehavior: VersioningBehavior): () => WorkflowDefinitionOptions {
  return () => (workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior } : {});
}

// Days in AWAITING_REVIEW: a run finishes on the build that started it, so a change to the
// pipeline never meets a history the old code wrote, and needs no patched() for that reason.
setWorkflowOptions(whenVersioned('PINNED'), analyzeMedia);

// Started by a pinned analyzeMedia, whose version its first task inherits; pinned, it stays
// there for its hour of webhook retries rather than replaying on a build it did not start on.
setWorkflowOptions(whenVersioned('PINNED'), announceOutcome);

// Runs for ever: pinned, it would hold its build's workers up for good. It moves to the current
// build at its next task and replays there, so every change to it goes behind patched().
setWorkflowOptions(whenVersioned('AUTO_UPGRADE'), jobQuotaWorkflow);

// Long-running and continued as new page after page: pinned, a pass would hold its build's
// workers up until it ends, so each run moves to the current build, and every change to
// backfill-library.ts goes behind patched().
setWorkflowOptions(whenVersioned('AUTO_UPGRADE'), backfillLibrary);
