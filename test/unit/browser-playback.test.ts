import { playsInBrowsers } from '../../common/browser-playback';
import type { MediaFacts } from '../../common/types';

const video = (codec: string) => ({ codec, width: 640, height: 360, framesPerSecond: 25 });
const audio = (codec: string) => ({ codec, sampleRate: 48_000, channels: 2 });
const facts = (formatName: string, v?: string, a?: string, kind: MediaFacts['kind'] = v ? 'video' : 'audio') => ({
  kind,
  formatName,
  ...(v ? { video: video(v) } : {}),
  ...(a ? { audio: audio(a) } : {}),
});

describe('playsInBrowsers', () => {
  it.each([
    ['MP4 H.264/AAC', facts('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac')],
    ['MP4 H.264 4:2:0 8-bit', { ...facts('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac'), video: { ...video('h264'), pixelFormat: 'yuv420p' } }],
    ['MP3', facts('mp3', undefined, 'mp3')],
    ['WAV', facts('wav', undefined, 'pcm_s16le')],
    ['a still image', facts('image2', 'mjpeg', undefined, 'image')],
  ])('plays %s as uploaded', (_name, media) => {
    expect(playsInBrowsers(media)).toBe(true);
  });

  it.each([
    ['MKV with H.264', facts('matroska,webm', 'h264', 'aac')],
    ['WebM VP9/Opus (Safari plays it only on some versions)', facts('matroska,webm', 'vp9', 'opus')],
    ['Ogg Vorbis (Safari does not play it)', facts('ogg', undefined, 'vorbis')],
    ['H.264 High 10', { ...facts('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac'), video: { ...video('h264'), pixelFormat: 'yuv420p10le' } }],
    ['H.264 4:2:2', { ...facts('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'aac'), video: { ...video('h264'), pixelFormat: 'yuv422p' } }],
    ['AVI', facts('avi', 'mpeg4', 'mp3')],
    ['MP4 with HEVC', facts('mov,mp4,m4a,3gp,3g2,mj2', 'hevc', 'aac')],
    ['MP4 with AC-3 audio', facts('mov,mp4,m4a,3gp,3g2,mj2', 'h264', 'ac3')],
    ['MPEG-TS', facts('mpegts', 'h264', 'aac')],
    ['FLV', facts('flv', 'h264', 'aac')],
  ])('needs a proxy for %s', (_name, media) => {
    expect(playsInBrowsers(media)).toBe(false);
  });
});
