import { z } from 'zod';
import type { SecretReader } from '../common/temporal-connection';

/** Where a tenant's outcomes are delivered, and the key they are signed with. */
export interface WebhookEndpoint {
  url: URL;
  /** A Standard Webhooks secret: `whsec_` and the base64 of at least 24 random bytes. */
  secret: string;
}

/** Looks up a tenant's webhook at delivery time, so an added or rotated one applies without a restart. */
export interface WebhookRegistry {
  lookup(tenant: string): Promise<WebhookEndpoint | undefined>;
}

const MAX_URL_LENGTH = 2048;
const MAX_TENANTS = 10_000;

const endpoint = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'a webhook url must be an http(s) URL' }).max(MAX_URL_LENGTH),
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a webhook secret is whsec_ followed by the base64 of at least 24 random bytes'),
  })
  .strict();

const table = z
  .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, 'tenant ids are letters, digits, dot, underscore or dash'), endpoint)
  .refine((t) => Object.keys(t).length <= MAX_TENANTS, `at most ${MAX_TENANTS} tenants`);

/**
 * Parses the webhook table (`{"<tenant>": {"url": "https://…", "secret": "whsec_…"}}`). Errors
 * name the tenant and the field, never a URL or a secret, since they end up in logs.
 */
export function parseWebhookTable(json: string, origin: string): Map<string, WebhookEndpoint> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`${origin}: the webhook table is not JSON`);
  }
  const parsed = table.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(table)'}: ${issue.message}`).join('; ');
    throw new Error(`${origin}: invalid webhook table: ${issues}`);
  }
  return new Map(Object.entries(parsed.data).map(([tenant, e]) => [tenant.toLowerCase(), { url: new URL(e.url), secret: e.secret }]));
}

/** A table fixed at start (REELSCOPE_WEBHOOKS), for the embedded default and tests. */
export function staticWebhookRegistry(endpoints: Map<string, WebhookEndpoint>): WebhookRegistry {
  return { lookup: async (tenant) => endpoints.get(tenant.toLowerCase()) };
}

/**
 * The table in a Secrets Manager secret (REELSCOPE_WEBHOOKS_SECRET_ID), re-read at most every
 * `ttlMs`: the signing keys never sit in the task definition, and rotation needs no deploy.
 */
export function secretWebhookRegistry(read: SecretReader, secretId: string, ttlMs = 5 * 60_000, now = () => Date.now()): WebhookRegistry {
  let cached: { at: number; endpoints: Map<string, WebhookEndpoint> } | undefined;
  return {
    async lookup(tenant) {
      if (!cached || now() - cached.at >= ttlMs) {
        cached = { at: now(), endpoints: parseWebhookTable(await read(secretId), 'the webhook secret') };
      }
      return cached.endpoints.get(tenant.toLowerCase());
    },
  };
}
