import { Writable } from 'node:stream';
import pino from 'pino';
import { FAILURE_LOG_MESSAGE, logFailureNotifier } from '../../notifications/failure-notifier';

describe('logFailureNotifier', () => {
  it('writes one JSON line whose msg is the alarm contract and whose fields name the media, step and reason', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const notifier = logFailureNotifier(pino({ base: { service: 'reelscope-worker' } }, sink));

    await notifier.notify('media-abc', 'acme', { step: 'probe', type: 'MediaUnreadable', message: 'moov atom not found' });

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 50, msg: FAILURE_LOG_MESSAGE, mediaId: 'media-abc', tenant: 'acme', step: 'probe', message: 'moov atom not found' });
  });
});
