import type { AnalysisKind, BranchState, FailureInfo, MediaStatus, Progress } from '../common/types';

const STAGE_PERCENT: Record<MediaStatus, number> = {
  RECEIVED: 0,
  PROBING: 5,
  ANALYZING: 10,
  REDUCING: 75,
  REPORTING: 85,
  AWAITING_REVIEW: 95,
  COMPLETED: 100,
  REJECTED: 100,
  FAILED: 100,
  CANCELLED: 100,
};
const ANALYZING_SPAN = STAGE_PERCENT.REDUCING - STAGE_PERCENT.ANALYZING;

/** The workflow's view of its own progress, as the `progress` query returns it. */
export class ProgressTracker {
  private status: MediaStatus = 'RECEIVED';
  private readonly branches: Partial<Record<AnalysisKind, BranchState>> = {};
  private readonly jobs: Partial<Record<AnalysisKind, string>> = {};
  private failure?: FailureInfo;

  constructor(private readonly mediaId: string) {}

  get current(): MediaStatus {
    return this.status;
  }

  moveTo(status: MediaStatus, failure?: FailureInfo): void {
    this.status = status;
    this.failure = failure;
  }

  setBranch(kind: AnalysisKind, state: BranchState, jobId?: string): void {
    this.branches[kind] = state;
    if (jobId) this.jobs[kind] = jobId;
  }

  /** Branches whose analysis had started and not yet finished, in plan order. */
  runningBranches(): AnalysisKind[] {
    return (Object.entries(this.branches) as [AnalysisKind, BranchState][]).filter(([, state]) => state === 'running').map(([kind]) => kind);
  }

  /** One line per branch that runs, with its job: what the Web UI shows while analyses run. */
  branchDetails(): string {
    return Object.entries(this.branches)
      .filter(([, state]) => state !== 'skipped')
      .map(([kind, state]) => {
        const jobId = this.jobs[kind as AnalysisKind];
        return `- ${kind}: ${state}${jobId ? ` (job \`${jobId}\`)` : ''}`;
      })
      .join('\n');
  }

  snapshot(): Progress {
    return {
      mediaId: this.mediaId,
      status: this.status,
      percent: this.percent(),
      branches: { ...this.branches },
      jobs: { ...this.jobs },
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  private percent(): number {
    if (this.status !== 'ANALYZING') return STAGE_PERCENT[this.status];
    const states = Object.values(this.branches);
    const running = states.filter((s) => s !== 'skipped');
    if (running.length === 0) return STAGE_PERCENT.ANALYZING;
    const done = running.filter((s) => s === 'succeeded' || s === 'failed').length;
    return STAGE_PERCENT.ANALYZING + Math.floor((ANALYZING_SPAN * done) / running.length);
  }
}
