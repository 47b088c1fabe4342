/**
 * How much of a large upload probe reads: a ~500 MB MP4 (index first, and index last) is put
 * in the local S3 server, probed through a presigned URL exactly as the probe activity does,
 * and the bytes the server sends are counted by a TCP proxy in front of it. Writes
 * docs/benchmarks/probe.json.
 *   npm run bench:probe [-- --megabytes 500]
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { ffprobe } from '../../media/ffprobe';
import { ObjectStore } from '../../storage/object-store';
import { freePort } from '../../local/free-port';
import { startObjectStoreServer } from '../../local/object-store-server';
import { benchOutput } from './bench-output';
import { runBench } from './bench-stack';

const run = promisify(execFile);
const BUCKET = 'reelscope-bench';

/** A 10 s lossless 720p segment with a tone, looped (stream copy) until the file is big enough. */
async function makeLargeMp4(dir: string, megabytes: number, faststart: boolean): Promise<string> {
  const segment = join(dir, 'segment.mp4');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', segment]);
  const loops = Math.max(0, Math.ceil((megabytes * 1024 * 1024) / (await stat(segment)).size) - 1);
  const path = join(dir, `large-${faststart ? 'faststart' : 'index-at-end'}.mp4`);
  await run('ffmpeg', ['-v', 'error', '-y', '-stream_loop', String(loops), '-i', segment, '-c', 'copy', ...(faststart ? ['-movflags', '+faststart'] : []), path]);
  return path;
}

/** A transparent TCP proxy that counts the bytes flowing from the server to clients. */
async function countingProxy(target: URL): Promise<{ endpoint: string; bytes: () => number; connections: () => number; reset: () => void; close: () => Promise<void> }> {
  let bytes = 0;
  let connections = 0;
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect(Number(target.port), target.hostname);
    upstream.on('data', (chunk) => (bytes += chunk.length));
    client.pipe(upstream).pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bytes: () => bytes,
    connections: () => connections,
    reset: () => ((bytes = 0), (connections = 0)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const { megabytes } = new Command().option('--megabytes <n>', 'size of the test files', '500').parse().opts<{ megabytes: string }>();
  const output = benchOutput('probe');
  const rows: { file: string; sizeBytes: number; bytesRead: number; shareOfFilePercent: number; connections: number; probeSeconds: number }[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'reelscope-probe-bench-'));
  const s3server = await startObjectStoreServer({ directory: join(dir, 's3'), port: await freePort(), buckets: [BUCKET] });
  const proxy = await countingProxy(new URL(s3server.endpoint));
  const client = (endpoint: string) =>
    new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED' });
  try {
    console.log('| file | size | bytes ffprobe read | share of the file | connections | probe time |');
    console.log('|---|---|---|---|---|---|');
    for (const faststart of [true, false]) {
      const path = await makeLargeMp4(dir, Number(megabytes), faststart);
      const { size } = await stat(path);
      const key = `incoming/bench/${path.split('/').pop()}`;
      await client(s3server.endpoint).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: createReadStream(path), ContentLength: size }));
      // The presigned URL points at the proxy: ffprobe's requests, and only they, cross it.
      const url = await new ObjectStore(client(proxy.endpoint), BUCKET).presignGet(BUCKET, key);
      proxy.reset();
      const started = Date.now();
      const data = await ffprobe(url);
      const seconds = (Date.now() - started) / 1000;
      if (!data.format.duration) throw new Error(`ffprobe found no duration in ${key}`);
      const read = proxy.bytes();
      const file = faststart ? 'faststart (index first)' : 'index at the end';
      rows.push({ file, sizeBytes: size, bytesRead: read, shareOfFilePercent: (100 * read) / size, connections: proxy.connections(), probeSeconds: seconds });
      console.log(`| ${file} | ${(size / 1e6).toFixed(0)} MB | ${(read / 1e6).toFixed(2)} MB | ${((100 * read) / size).toFixed(2)}% | ${proxy.connections()} | ${seconds.toFixed(2)} s |`);
    }
    await output.write({ settings: { megabytes: Number(megabytes) }, files: rows });
  } finally {
    await proxy.close();
    await s3server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

runBench(main);
