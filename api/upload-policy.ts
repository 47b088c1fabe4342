import { S3_MAX_PART_BYTES, S3_MAX_PARTS, type ApiConfig, type MediaKind } from './config';

/** Content types whose kind is known; the probe still decides what the bytes really are. */
export function kindOfContentType(contentType: string): MediaKind | undefined {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  if (type === 'image/jpeg' || type === 'image/png') return 'image';
  return undefined;
}

/**
 * The object's file name: the declared name's last segment with anything but letters, digits,
 * ".", "-" and "_" replaced, capped. The declared name is the caller's text; the key is ours,
 * and must pass the starter's key checks whatever the caller sent.
 */
export function safeFileName(declared: string): string {
  const base = declared.split(/[/\\]/).pop() ?? '';
  const cleaned = base.normalize('NFKC').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  const name = cleaned.length > 0 ? cleaned : 'upload';
  if (name.length <= 120) return name;
  const dot = name.lastIndexOf('.');
  const ending = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return name.slice(0, 120 - ending.length) + ending;
}

const MIB = 1024 * 1024;

/**
 * How a declared size is uploaded: one PUT, or parts of `partBytes` (a whole MiB). The
 * configured part size grows until the upload fits in `maxParts`, since every part's URL is in
 * the init response; S3's own bounds (5 MiB..5 GiB a part, 10,000 parts) hold for any size the
 * config admits.
 */
export function partLayout(sizeBytes: number, uploads: ApiConfig['uploads'], maxParts: number): { partBytes: number; partCount: number } | undefined {
  if (sizeBytes <= uploads.multipartThresholdBytes) return undefined;
  const spread = Math.ceil(Math.ceil(sizeBytes / maxParts) / MIB) * MIB;
  const partBytes = Math.min(S3_MAX_PART_BYTES, Math.max(uploads.partBytes, spread));
  const partCount = Math.ceil(sizeBytes / partBytes);
  if (partCount > S3_MAX_PARTS) throw new RangeError(`${sizeBytes} bytes needs ${partCount} parts of ${partBytes}, over S3's ${S3_MAX_PARTS}`);
  return { partBytes, partCount };
}

/** Each part's number and exact size: all `partBytes` but the last, which holds the rest. */
export function partSizes(sizeBytes: number, layout: { partBytes: number; partCount: number }): { partNumber: number; sizeBytes: number }[] {
  return Array.from({ length: layout.partCount }, (_, i) => ({
    partNumber: i + 1,
    sizeBytes: Math.min(layout.partBytes, sizeBytes - i * layout.partBytes),
  }));
}
