import { randomUUID } from 'node:crypto';
import { MediaRecords } from '../../storage/media-records';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { loadWorkerConfig } from '../../worker/config';

describe('MediaRecords on the DynamoDB API (dynalite)', () => {
  const config = loadWorkerConfig(process.env);
  let clients: AwsClients;
  let records: MediaRecords;

  beforeAll(() => {
    clients = createAwsClients(config.aws);
    records = new MediaRecords(clients.doc, config.tables);
  });
  afterAll(() => clients.destroy());

  it('lists a tenant newest first, and by status, through the tenant indexes', async () => {
    // Arrange
    const tenant = `t-${randomUUID().slice(0, 8)}`;
    const source = { bucket: 'b', key: 'k' };
    const run = (n: number) => ({ workflowId: `media-${n}`, runId: `run-${n}`, startedAt: n });
    await records.update({ mediaId: 'm1', tenant, source }, run(1), 'COMPLETED');
    await records.update({ mediaId: 'm2', tenant, source }, run(2), 'FAILED', { reason: { step: 'reduce', type: 'X', message: 'y' } });
    await records.update({ mediaId: 'm3', tenant, source }, run(3), 'COMPLETED');
    await records.update({ mediaId: 'm4', tenant: `${tenant}-other`, source }, run(4), 'COMPLETED');

    // Act
    const all = await records.listByTenant(tenant);
    const completed = await records.listByTenant(tenant, { status: 'COMPLETED' });
    const failed = await records.listByTenant(tenant, { status: 'FAILED' });

    // Assert
    expect(all.map((r) => r['mediaId'])).toEqual(['m3', 'm2', 'm1']);
    expect(completed.map((r) => r['mediaId'])).toEqual(['m3', 'm1']);
    expect(failed).toEqual([expect.objectContaining({ mediaId: 'm2', status: 'FAILED', reason: expect.objectContaining({ step: 'reduce' }) })]);
  });

  describe('order of writes', () => {
    const source = { bucket: 'b', key: 'k' };
    const newKey = () => ({ mediaId: `m-${randomUUID()}`, tenant: 'acme', source });
    // Runs of one media never overlap: a later run starts after the earlier one has closed.
    const older = { workflowId: 'w', runId: 'run-older', startedAt: Date.parse('2025-01-01T10:00:00Z') };
    const newer = { workflowId: 'w', runId: 'run-newer', startedAt: Date.parse('2025-01-01T11:00:00Z') };

    it('moves a run forward through every stage to its outcome', async () => {
      // Arrange
      const key = newKey();
      const stages = ['RECEIVED', 'PROBING', 'ANALYZING', 'REDUCING', 'REPORTING', 'AWAITING_REVIEW', 'COMPLETED'] as const;

      // Act
      const seen: { applied: boolean; status: unknown }[] = [];
      for (const stage of stages) {
        const applied = await records.update(key, older, stage, stage === 'COMPLETED' ? { flagged: false } : {});
        seen.push({ applied, status: (await records.get(key.mediaId))?.['status'] });
      }

      // Assert
      expect(seen).toEqual(stages.map((status) => ({ applied: true, status })));
      expect(await records.get(key.mediaId)).toMatchObject({ runId: older.runId, runStartedAt: older.startedAt, flagged: false });
    });

    it('never moves a run backwards: a retried stage write after the terminal one is refused', async () => {
      // Arrange
      const key = newKey();
      await records.update(key, older, 'COMPLETED');

      // Act
      const applied = await records.update(key, older, 'ANALYZING');

      // Assert
      expect(applied).toBe(false);
      expect(await records.get(key.mediaId)).toMatchObject({ status: 'COMPLETED' });
    });

    it('lets a newer run reset a finished record, without the earlier run\'s results', async () => {
      // Arrange
      const key = newKey();
      await records.update(key, older, 'FAILED', { reason: { step: 'reduce', type: 'X', message: 'y' }, outcomes: [] });

      // Act
      const applied = await records.update(key, newer, 'RECEIVED');

      // Assert
      expect(applied).toBe(true);
      const record = await records.get(key.mediaId);
      expect(record).toMatchObject({ status: 'RECEIVED', runId: newer.runId, runStartedAt: newer.startedAt });
      expect(record).not.toHaveProperty('reason');
      expect(record).not.toHaveProperty('outcomes');
    });

    it('refuses, without an error, an older run\'s late write over a newer run\'s record', async () => {
      // Arrange
      const key = newKey();
      await records.update(key, older, 'ANALYZING');
      await records.update(key, newer, 'PROBING');

      // Act
      const lateStage = await records.update(key, older, 'REDUCING');
      const lateOutcome = await records.update(key, older, 'FAILED', { reason: { step: 'analyse', type: 'Cancelled', message: 'terminated' } });

      // Assert
      expect([lateStage, lateOutcome]).toEqual([false, false]);
      const record = await records.get(key.mediaId);
      expect(record).toMatchObject({ status: 'PROBING', runId: newer.runId });
      expect(record).not.toHaveProperty('reason');
    });
  });
});
