import { randomUUID } from 'node:crypto';
import { MediaRecords } from '../../activities/storage/media-records';
import { createAwsClients, type AwsClients } from '../../worker/aws-clients';
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
    const run = (n: number) => ({ workflowId: `media-${n}`, runId: `run-${n}` });
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

  it('never moves a run backwards: a retried stage write after the terminal one is refused', async () => {
    // Arrange
    const key = { mediaId: `m-${randomUUID()}`, tenant: 'acme', source: { bucket: 'b', key: 'k' } };
    const run = { workflowId: 'w', runId: 'r1' };
    await records.update(key, run, 'COMPLETED');

    // Act
    const applied = await records.update(key, run, 'ANALYZING');

    // Assert
    expect(applied).toBe(false);
    expect(await records.get(key.mediaId)).toMatchObject({ status: 'COMPLETED' });
  });
});
