import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { deferredTemporalClient } from '../../api/deferred-temporal-client';
import { ProblemError } from '../../api/problem';

/** The suite's dev server (test/support/global-setup.ts), reached as the Lambda would reach Temporal. */
async function devServerClient(): Promise<Client> {
  const address = process.env['TEMPORAL_ADDRESS'];
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: the suite global setup starts the dev server');
  return new Client({ connection: await Connection.connect({ address }), namespace: process.env['TEMPORAL_NAMESPACE'] ?? 'default' });
}

describe('deferredTemporalClient', () => {
  const made: Client[] = [];
  afterAll(async () => {
    for (const client of made) await client.connection.close();
  });

  it('connects on the first Temporal call, not when built or when a handle is taken', async () => {
    // Arrange
    let connects = 0;
    const client = deferredTemporalClient(async () => {
      connects += 1;
      const real = await devServerClient();
      made.push(real);
      return real;
    });

    // Act
    const handle = client.workflow.getHandle('media-000000000000000000000000');
    const before = connects;
    const described = handle.describe();

    // Assert
    expect(before).toBe(0);
    expect(handle.workflowId).toBe('media-000000000000000000000000');
    await expect(described).rejects.toBeInstanceOf(WorkflowNotFoundError);
    await expect(client.workflow.getHandle('media-000000000000000000000001').describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(connects).toBe(1);
  });

  it('answers a 503 problem while connecting fails, and connects on a later call once it can', async () => {
    // Arrange
    let secretsFilled = false;
    const client = deferredTemporalClient(async () => {
      if (!secretsFilled) throw new Error('secret reelscope-temporal has no value yet');
      const real = await devServerClient();
      made.push(real);
      return real;
    });

    // Act
    const refused = await client.workflow.getHandle('media-000000000000000000000002').describe().catch((err: unknown) => err);
    secretsFilled = true;
    const later = client.workflow.getHandle('media-000000000000000000000002').describe();

    // Assert
    expect(refused).toBeInstanceOf(ProblemError);
    expect(refused).toMatchObject({ status: 503, slug: 'temporal-unavailable', headers: { 'retry-after': '30' } });
    expect((refused as ProblemError).message).not.toMatch(/secret/);
    await expect(later).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
