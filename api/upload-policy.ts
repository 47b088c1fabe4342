import type { ApiConfig, MediaKind } from './config';

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

/** How a declared size is uploaded: one PUT, or parts of `partBytes` (S3 allows 10,000 parts). */
export function partLayout(sizeBytes: number, uploads: ApiConfig['uploads'], maxParts: number): { partBytes: number; partCount: number } | undefined {
  if (sizeBytes <= uploads.multipartThresholdBytes) return undefined;
  const partBytes = Math.max(uploads.partBytes, Math.ceil(sizeBytes / maxParts));
  return { partBytes, partCount: Math.ceil(sizeBytes / partBytes) };
}
