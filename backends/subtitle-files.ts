import { buildSubtitleCues, renderSrt, renderWebVtt } from '../media/subtitles';
import type { TranscriptOutput } from '../spine/branch-outputs';
import type { ObjectStore } from '../storage/object-store';

export type SubtitleFileFormat = 'vtt' | 'srt';

const RENDER: Record<SubtitleFileFormat, { render: typeof renderWebVtt; contentType: string }> = {
  vtt: { render: renderWebVtt, contentType: 'text/vtt; charset=utf-8' },
  srt: { render: renderSrt, contentType: 'application/x-subrip; charset=utf-8' },
};

/** What a transcript runner adds to its outcome: the files by name (`subtitles.vtt`), and how many cues they hold. */
export interface SubtitleFiles {
  files: Record<string, string>;
  cues: number;
}

/**
 * Writes the transcript's subtitles beside it (`<prefix>subtitles.vtt`, `.srt`), cued by the
 * same rules whichever backend recognised the speech.
 */
export async function writeSubtitleFiles(
  store: ObjectStore,
  prefix: string,
  transcript: TranscriptOutput,
  formats: readonly SubtitleFileFormat[],
  signal?: AbortSignal,
): Promise<SubtitleFiles> {
  const cues = buildSubtitleCues(transcript);
  const written = await Promise.all(
    [...new Set(formats)].map(async (format) => {
      const name = `subtitles.${format}`;
      const { render, contentType } = RENDER[format];
      return [name, await store.putBytes(`${prefix}${name}`, render(cues), contentType, signal)] as const;
    }),
  );
  return { files: Object.fromEntries(written), cues: cues.length };
}
