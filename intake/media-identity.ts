import { createHash } from 'node:crypto';
import { WORKFLOW_ID_PREFIX } from '../common/constants';
import { hasTerminalControl } from '../common/printable-text';
import type { MediaSource } from '../common/types';

/** Tenant ids: what may appear as the first path segment under the incoming prefix. */
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * The one spelling of a tenant id: lower case. `incoming/ACME/` and `incoming/acme/` are the
 * same tenant, with the same tier and review policy; without this, a different spelling was a
 * tenant of its own that no policy named. Undefined for what is no tenant id at all.
 */
export function canonicalTenant(id: string): string | undefined {
  const lower = id.toLowerCase();
  return TENANT.test(lower) ? lower : undefined;
}

export type KeyCheck = { ok: true; tenant: string } | { ok: false; reason: string };

/**
 * Checks an incoming object key (`<prefix><tenant>/<name>`, or `<prefix><name>` when a default
 * tenant owns the bucket) and extracts the tenant.
 * Keys that could escape their prefix (`..`, empty segments) or rewrite what a screen or log
 * shows (control and bidi characters) are refused.
 */
export function checkIncomingKey(key: string, prefix: string, defaultTenant?: string): KeyCheck {
  if (!key.startsWith(prefix)) return { ok: false, reason: `key is outside the ${prefix} prefix` };
  if (hasTerminalControl(key)) return { ok: false, reason: 'key contains control or bidirectional-override characters' };
  const segments = key.slice(prefix.length).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return { ok: false, reason: 'key has empty, "." or ".." path segments' };
  }
  if (segments.length === 1 && defaultTenant) return { ok: true, tenant: defaultTenant };
  const [tenant, ...rest] = segments;
  if (!tenant || rest.length === 0) return { ok: false, reason: `key must look like ${prefix}<tenant>/<file>` };
  const canonical = canonicalTenant(tenant);
  if (!canonical) return { ok: false, reason: `tenant "${tenant}" is not a valid tenant id` };
  return { ok: true, tenant: canonical };
}

/**
 * The media id: a hash of bucket, key and version (or etag), so every delivery of the same
 * upload maps to the same id and workflow, and a new upload to the same key gets a new one.
 */
export function mediaIdFor(source: MediaSource): string {
  const version = source.versionId ?? source.etag?.replace(/"/g, '') ?? '';
  return createHash('sha256').update(`${source.bucket}\n${source.key}\n${version}`).digest('hex').slice(0, 24);
}

/** The workflow id of a media: its business identity, never a random id. */
export function workflowIdFor(mediaId: string): string {
  return `${WORKFLOW_ID_PREFIX}${mediaId}`;
}

/**
 * Decodes an S3 event key: S3 URL-encodes keys in events, with '+' for spaces. Undefined for
 * a malformed encoding (a stray '%'), which names no object we could read.
 */
export function decodeEventKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
