import { loadWorkerConfig } from '../../worker/config';

describe('worker deployment settings', () => {
  it('leave the worker unversioned without a build id, whether unset, empty or passed through by compose as null', () => {
    expect(loadWorkerConfig({}).deployment).toBeUndefined();
    expect(loadWorkerConfig({ REELSCOPE_BUILD_ID: '' }).deployment).toBeUndefined();
    expect(loadWorkerConfig({ REELSCOPE_BUILD_ID: null as unknown as string, REELSCOPE_DEPLOYMENT_NAME: 'media' }).deployment).toBeUndefined();
  });

  it('version the worker with a build id, in the reelscope deployment unless another is named', () => {
    expect(loadWorkerConfig({ REELSCOPE_BUILD_ID: '2026.12.02+3f9c2e1' }).deployment).toEqual({ deploymentName: 'reelscope', buildId: '2026.12.02+3f9c2e1' });
    expect(loadWorkerConfig({ REELSCOPE_BUILD_ID: 'b', REELSCOPE_DEPLOYMENT_NAME: 'reelscope-eu' }).deployment).toEqual({ deploymentName: 'reelscope-eu', buildId: 'b' });
  });

  it('refuse what the server would: a "." in the deployment name, spaces or an over-long build id', () => {
    expect(() => loadWorkerConfig({ REELSCOPE_BUILD_ID: 'b', REELSCOPE_DEPLOYMENT_NAME: 'reelscope.eu' })).toThrow(/REELSCOPE_DEPLOYMENT_NAME: letters, digits, "_" and "-" \(no "\."\)/);
    expect(() => loadWorkerConfig({ REELSCOPE_BUILD_ID: 'build 7' })).toThrow(/REELSCOPE_BUILD_ID: letters, digits/);
    expect(() => loadWorkerConfig({ REELSCOPE_BUILD_ID: 'x'.repeat(256) })).toThrow(/REELSCOPE_BUILD_ID/);
  });
});
