import { archiveKeyFor } from '../../activities/archive-original';
import { loadWorkerConfig } from '../../worker/config';

describe('archive settings', () => {
  it('archive originals by default, from incoming/ to processed/', () => {
    expect(loadWorkerConfig({}).archive).toEqual({ enabled: true, intakePrefix: 'incoming/', archivePrefix: 'processed/' });
  });

  it('follow the switch and the prefixes, the intake prefix being the starter\'s variable', () => {
    const config = loadWorkerConfig({ REELSCOPE_ARCHIVE_ORIGINALS: 'false', REELSCOPE_INCOMING_PREFIX: 'uploads/', REELSCOPE_ARCHIVE_PREFIX: 'archive/done/' });
    expect(config.archive).toEqual({ enabled: false, intakePrefix: 'uploads/', archivePrefix: 'archive/done/' });
  });

  it('refuse an archive prefix under the intake prefix, where every copy would start an analysis', () => {
    expect(() => loadWorkerConfig({ REELSCOPE_ARCHIVE_PREFIX: 'incoming/processed/' })).toThrow(/REELSCOPE_ARCHIVE_PREFIX: must not lie under REELSCOPE_INCOMING_PREFIX/);
    expect(() => loadWorkerConfig({ REELSCOPE_INCOMING_PREFIX: '' })).toThrow(/REELSCOPE_ARCHIVE_PREFIX/);
    expect(loadWorkerConfig({ REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_ARCHIVE_ORIGINALS: 'false' }).archive.enabled).toBe(false);
    expect(() => loadWorkerConfig({ REELSCOPE_ARCHIVE_PREFIX: 'processed' })).toThrow(/REELSCOPE_ARCHIVE_PREFIX: a key prefix ending in "\/"/);
  });
});

describe('archiveKeyFor', () => {
  const settings = { intakePrefix: 'incoming/', archivePrefix: 'processed/' };

  it.each([
    ['incoming/acme/clip.mp4', 'processed/acme/clip.mp4'],
    ['incoming/acme/deep/folder/a b #1 é.mov', 'processed/acme/deep/folder/a b #1 é.mov'],
    ['incoming/single.mp4', 'processed/single.mp4'],
  ])('maps %s to %s', (key, archived) => {
    expect(archiveKeyFor(key, settings)).toBe(archived);
  });

  it.each(['processed/acme/clip.mp4', 'results/acme/clip.mp4', 'incomingx/acme/clip.mp4', 'clip.mp4'])('leaves %s where it is', (key) => {
    expect(archiveKeyFor(key, settings)).toBeUndefined();
  });
});
