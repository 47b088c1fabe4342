import { PassThrough } from 'node:stream';
import type { VideoMetadata } from '@aws-sdk/client-rekognition';
import type { AnalysisKind } from '../../common/types';
import type { RekognitionFeature } from '../../cost/price-table';
import type { ObjectStore } from '../../storage/object-store';
import { streamedOutput, type FaceSearchContext } from './rekognition-outputs';
import type { FeatureItems, VideoJobPage } from './rekognition-video';

export interface WrittenJobResults {
  /** s3:// reference of the branch output (`<prefix><kind>.json`), what the workflow sees. */
  ref: string;
  items: number;
  pages: number;
}

/** The raw results of one job: its pages, each its own object, in order. */
export interface JobResultsManifest {
  jobId: string;
  pages: number;
  items: number;
  videoMetadata?: VideoMetadata;
  modelVersion?: string;
  pageRefs: string[];
}

/**
 * Writes a finished job's results while its pages arrive, so a long video's results are never
 * in memory at once: each raw page goes to its own object (`rekognition/<Feature>/page-00001.json`,
 * listed by the manifest `rekognition/<Feature>.json`), and the normalised branch output, the
 * document reduce reads, is streamed to `<kind>.json` through a multipart upload, entries
 * appended page by page. Memory stays at one page plus the upload's part buffers. A retried
 * attempt writes the same keys again. `onPage` runs after each page is written (a heartbeat).
 */
export async function writeVideoJobResults<F extends RekognitionFeature>(
  target: { store: ObjectStore; prefix: string; kind: AnalysisKind; signal: AbortSignal; durationSeconds: number; faceSearch?: FaceSearchContext },
  feature: F,
  jobId: string,
  pages: AsyncIterable<VideoJobPage<FeatureItems[F]>>,
  onPage: (pagesWritten: number) => void = () => {},
): Promise<WrittenJobResults> {
  const { store, prefix, kind, signal, durationSeconds, faceSearch } = target;
  const output = streamedOutput(feature, durationSeconds, faceSearch);
  const document = new StreamedJsonObject(output.streamed);
  const uploading = store.putStream(`${prefix}${kind}.json`, document.readable, 'application/json', signal);
  // A failed upload must stop the writes waiting for it to drain.
  uploading.catch((err: unknown) => document.fail(err));
  const manifest: JobResultsManifest = { jobId, pages: 0, items: 0, pageRefs: [] };
  try {
    for await (const page of pages) {
      signal.throwIfAborted();
      manifest.pages += 1;
      manifest.items += page.items.length;
      manifest.videoMetadata ??= page.videoMetadata;
      manifest.modelVersion ??= page.modelVersion;
      const pageKey = `${prefix}rekognition/${feature}/page-${String(manifest.pages).padStart(5, '0')}.json`;
      manifest.pageRefs.push(await store.putJson(pageKey, { jobId, page: manifest.pages, ...page }, signal));
      await document.append(output.add(page.items));
      onPage(manifest.pages);
    }
    const rest = output.end(manifest.modelVersion);
    await document.append(rest.entries);
    await document.end(rest.members);
    const ref = await uploading;
    await store.putJson(`${prefix}rekognition/${feature}.json`, manifest, signal);
    return { ref, items: manifest.items, pages: manifest.pages };
  } catch (err) {
    // Ends the upload with an error, so no truncated document is ever stored.
    document.fail(err);
    await uploading.catch(() => undefined);
    throw err;
  }
}

/**
 * A JSON object written piece by piece into a stream: `{"<array>":[...entries...],<members>}`.
 * Entries are appended as they come; writes wait while the reader (the upload) is behind.
 */
class StreamedJsonObject {
  readonly readable = new PassThrough();
  private entries = 0;
  private readonly opening: string;

  constructor(arrayName: string) {
    this.opening = `{${JSON.stringify(arrayName)}:[`;
    // A failure reaches the writer through the upload's promise and its own throws; the
    // stream's 'error' event must not also become an uncaught exception.
    this.readable.on('error', () => undefined);
  }

  async append(entries: unknown[]): Promise<void> {
    if (entries.length === 0) return;
    const head = this.entries === 0 ? this.opening : ',';
    this.entries += entries.length;
    await this.write(head + entries.map((e) => JSON.stringify(e)).join(','));
  }

  async end(members: Record<string, unknown>): Promise<void> {
    const tail = Object.entries(members)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `,${JSON.stringify(name)}:${JSON.stringify(value)}`)
      .join('');
    await this.write(`${this.entries === 0 ? this.opening : ''}]${tail}}`);
    this.readable.end();
  }

  fail(err: unknown): void {
    if (!this.readable.destroyed) this.readable.destroy(err instanceof Error ? err : new Error(String(err)));
  }

  private async write(chunk: string): Promise<void> {
    const stream = this.readable;
    if (stream.destroyed) throw new Error('the upload of this document stopped');
    if (stream.write(chunk)) return;
    // Backpressure: wait for the upload to take what it has, or for it to give up.
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        stream.off('drain', drained);
        stream.off('close', closed);
        if (err) reject(err);
        else resolve();
      };
      const drained = () => settle();
      const closed = () => settle(new Error('the upload of this document stopped'));
      stream.on('drain', drained);
      stream.on('close', closed);
    });
  }
}
