import { createReadStream, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { parseS3Uri } from '../common/s3-uri';
import type { MediaSource } from '../common/types';
import { admitUpload } from '../intake/upload-filter';
import type { CliContext } from './cli-context';

/**
 * The object to analyse: an `s3://bucket/key` already uploaded, or a local file uploaded
 * first to `<incoming prefix><tenant>/<file name>` exactly as a user's upload would land,
 * once the starter's filters have accepted its name and size.
 */
export async function resolveMediaTarget(ctx: CliContext, target: string, tenant: string): Promise<MediaSource> {
  let bucket: string;
  let key: string;
  if (target.startsWith('s3://')) {
    ({ bucket, key } = parseS3Uri(target));
  } else {
    const path = resolve(target);
    const { size } = statSync(path); // a missing file fails here, with its path
    bucket = ctx.config.bucket;
    key = `${ctx.starter.incomingPrefix}${tenant}/${basename(path)}`;
    // The starter's own filters, before a byte is sent: a refused file is never left in the bucket.
    const admission = admitUpload({ key, sizeBytes: size }, ctx.starter);
    if (!admission.ok) throw new Error(`${basename(path)} is not analysed: ${admission.reason}`);
    await new Upload({ client: ctx.clients.s3, params: { Bucket: bucket, Key: key, Body: createReadStream(path) } }).done();
  }
  const head = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bucket,
    key,
    ...(head.ContentLength !== undefined ? { sizeBytes: head.ContentLength } : {}),
    ...(head.ETag ? { etag: head.ETag.replace(/"/g, '') } : {}),
    ...(head.VersionId ? { versionId: head.VersionId } : {}),
  };
}
