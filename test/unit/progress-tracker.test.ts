import { ProgressTracker } from '../../workflows/progress-tracker';

describe('ProgressTracker', () => {
  it('counts finished branches towards the analysing span and keeps each finished job id', () => {
    // Arrange
    const progress = new ProgressTracker('m1');
    progress.moveTo('ANALYZING');
    progress.setBranch('labels', 'running');
    progress.setBranch('transcript', 'running');
    progress.setBranch('celebrities', 'skipped');

    // Act
    progress.setBranch('labels', 'succeeded', 'job-123');

    // Assert
    expect(progress.snapshot()).toEqual({
      mediaId: 'm1',
      status: 'ANALYZING',
      percent: 42,
      branches: { labels: 'succeeded', transcript: 'running', celebrities: 'skipped' },
      jobs: { labels: 'job-123' },
    });
  });

  it('lists the branches that run, with their jobs, and leaves out the skipped ones', () => {
    // Arrange
    const progress = new ProgressTracker('m1');
    progress.setBranch('labels', 'succeeded', 'job-123');
    progress.setBranch('text', 'failed');
    progress.setBranch('celebrities', 'skipped');
    progress.setBranch('transcript', 'pending');

    // Act
    const details = progress.branchDetails();

    // Assert
    expect(details.split('\n')).toEqual(['- labels: succeeded (job `job-123`)', '- text: failed', '- transcript: pending']);
  });
});
