import { loadIntakeConfig } from '../../intake/config';
import { admitUpload } from '../../intake/upload-filter';

describe('admitUpload', () => {
  const config = loadIntakeConfig({});

  it.each(['talk.flac', 'old.AVI', 'voice.ogg', 'radio.aac', 'camcorder.mts', 'phone.3gp', 'still.jpeg', 'clip.MP4'])(
    'accepts common media that ffmpeg reads by default: %s',
    (name) => {
      expect(admitUpload({ key: `incoming/acme/${name}`, sizeBytes: 10 }, config)).toEqual({ ok: true, tenant: 'acme' });
    },
  );

  it.each<[string, number | undefined, RegExp]>([
    ['incoming/acme/notes.txt', 10, /suffix not in .*\.flac/],
    ['incoming/acme/clip.mp4.part', 10, /suffix not in/],
    ['incoming/acme/evil\u202egnp.mp4', 10, /bidirectional/],
  ])('refuses %s (%d bytes)', (key, sizeBytes, reason) => {
    const admission = admitUpload({ key, ...(sizeBytes === undefined ? {} : { sizeBytes }) }, config);
    expect(admission).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses a file under the size minimum before anything else about its key is read', () => {
    expect(admitUpload({ key: 'incoming/acme/clip.mp4', sizeBytes: 3 }, loadIntakeConfig({ REELSCOPE_MIN_SIZE_BYTES: '4' }))).toEqual({
      ok: false,
      reason: 'size 3 below the 4 byte minimum',
    });
  });
});
