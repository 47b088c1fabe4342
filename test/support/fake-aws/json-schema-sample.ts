import { compile, sampleForPattern } from './regex-sample';

/**
 * The fake model's default answer: a simple value that satisfies a JSON Schema as zod 4's
 * `z.toJSONSchema()` writes them (draft 2020-12, also draft-7 tuples and draft-4 exclusive
 * bounds), so the caller's own validation, not luck, decides what passes.
 */
type Schema = Record<string, unknown>;

interface Walk {
  root: Schema;
  depth: number;
  /** Position in an array, so uniqueItems arrays get distinct values. */
  variant: number;
}

// Below this depth optional properties are filled in and arrays get an item; deeper, only
// what the schema requires, so recursive schemas end.
const GENEROUS_DEPTH = 6;
const MAX_DEPTH = 40;

const FORMAT_SAMPLES: Record<string, string> = {
  email: 'sample@example.com',
  uri: 'https://example.com/sample',
  url: 'https://example.com/sample',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  guid: '123e4567-e89b-42d3-a456-426614174000',
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00',
  duration: 'PT1S',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
  base64: 'c2FtcGxl',
  base64url: 'c2FtcGxl',
  emoji: '🙂',
};

/** A value valid against `schema` (undefined only for the `false` schema). */
export function sampleFromSchema(schema: unknown): unknown {
  return sample(schema, { root: asSchema(schema), depth: 0, variant: 0 });
}

/** A value the schema rejects: an object missing its first required property, or the wrong type. */
export function sampleViolatingSchema(schema: unknown): unknown {
  const root = asSchema(schema);
  const flat = flatten(root, root);
  const value = sampleFromSchema(schema);
  const required = Array.isArray(flat['required']) ? (flat['required'] as string[]) : [];
  if (isObject(value) && required[0] !== undefined) {
    const { [required[0]]: _dropped, ...rest } = value;
    return rest;
  }
  return typeof value === 'string' ? 42 : 'not what the schema asks for';
}

function sample(schema: unknown, walk: Walk): unknown {
  if (schema === false) return undefined;
  if (walk.depth > MAX_DEPTH) return null;
  const s = flatten(asSchema(schema), walk.root);
  if ('const' in s) return s['const'];
  if (Array.isArray(s['enum'])) return s['enum'][walk.variant % s['enum'].length];
  const choices = (s['anyOf'] ?? s['oneOf']) as unknown[] | undefined;
  if (Array.isArray(choices) && choices.length > 0) {
    // Prefer a non-null branch: a nullable field says more with a value.
    const branch = choices.find((c) => flatten(asSchema(c), walk.root)['type'] !== 'null') ?? choices[0];
    return sample(branch, { ...walk, depth: walk.depth + 1 });
  }
  switch (typeOf(s)) {
    case 'object':
      return sampleObject(s, walk);
    case 'array':
      return sampleArray(s, walk);
    case 'string':
      return sampleString(s, walk.variant);
    case 'integer':
      return sampleNumber(s, true, walk.variant);
    case 'number':
      return sampleNumber(s, false, walk.variant);
    case 'boolean':
      return walk.variant % 2 === 1;
    default:
      return null;
  }
}

function sampleObject(s: Schema, walk: Walk): Record<string, unknown> {
  const properties = (s['properties'] ?? {}) as Record<string, unknown>;
  const required = (s['required'] ?? []) as string[];
  const extra = s['additionalProperties'];
  const next = { ...walk, depth: walk.depth + 1, variant: 0 };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (required.includes(key) || walk.depth < GENEROUS_DEPTH) out[key] = sample(value, next);
  }
  for (const key of required) if (!(key in out)) out[key] = sample(isObject(extra) ? extra : {}, next);
  const minProperties = Number(s['minProperties'] ?? 0);
  for (let i = 0; Object.keys(out).length < minProperties && extra !== false; i++) out[`key${i}`] = sample(isObject(extra) ? extra : {}, next);
  return out;
}

function sampleArray(s: Schema, walk: Walk): unknown[] {
  // 2020-12 tuples use prefixItems; draft-7 tuples an items array with additionalItems.
  const prefix = (Array.isArray(s['prefixItems']) ? s['prefixItems'] : Array.isArray(s['items']) ? s['items'] : []) as unknown[];
  const rest = Array.isArray(s['items']) ? s['additionalItems'] : s['items'];
  const min = Number(s['minItems'] ?? 0);
  const max = Number(s['maxItems'] ?? Infinity);
  let count = Math.min(max, Math.max(min, prefix.length, walk.depth < GENEROUS_DEPTH ? 1 : 0));
  if (rest === false) count = Math.min(count, prefix.length);
  return Array.from({ length: count }, (_, i) => sample(i < prefix.length ? prefix[i] : (rest ?? {}), { ...walk, depth: walk.depth + 1, variant: i }));
}

function sampleString(s: Schema, variant: number): string {
  const base = FORMAT_SAMPLES[String(s['format'])] ?? 'sample';
  const preferred = variant === 0 ? base : `${base}-${variant}`;
  const source = typeof s['pattern'] === 'string' ? s['pattern'] : undefined;
  const pattern = source === undefined ? undefined : compile(source);
  const candidates = [preferred, base, sampleForPattern(source ?? ''), 'sample', 'a', 'A', '0'];
  let text = pattern ? (candidates.find((c) => c !== undefined && pattern.test(c)) ?? preferred) : preferred;
  const minLength = Number(s['minLength'] ?? 0);
  const maxLength = Number(s['maxLength'] ?? Infinity);
  if ([...text].length < minLength) text = text.padEnd(minLength, 'x');
  if ([...text].length > maxLength) text = [...text].slice(0, maxLength).join('');
  return text;
}

function sampleNumber(s: Schema, integer: boolean, variant: number): number {
  const bound = (value: unknown, exclusive: unknown, pick: (a: number, b: number) => number, none: number) => {
    const plain = typeof value === 'number' ? value : none;
    // Draft 4 marks exclusivity with a boolean next to minimum/maximum; later drafts give the bound itself.
    if (typeof exclusive === 'number') return pick(plain, exclusive) === exclusive ? { at: exclusive, open: true } : { at: plain, open: false };
    return { at: plain, open: exclusive === true };
  };
  const lo = bound(s['minimum'], s['exclusiveMinimum'], Math.max, -Infinity);
  const hi = bound(s['maximum'], s['exclusiveMaximum'], Math.min, Infinity);
  const step = typeof s['multipleOf'] === 'number' ? s['multipleOf'] : integer ? 1 : undefined;
  const fits = (v: number) =>
    (lo.open ? v > lo.at : v >= lo.at) && (hi.open ? v < hi.at : v <= hi.at) && (step === undefined || Math.abs(v / step - Math.round(v / step)) < 1e-9);
  const snap = (v: number) => (step === undefined ? v : Math.ceil(v / step - 1e-9) * step);
  const near = Number.isFinite(lo.at)
    ? Number.isFinite(hi.at)
      ? (lo.at + hi.at) / 2
      : lo.at + (lo.open ? (step ?? 1) : 0)
    : Number.isFinite(hi.at)
      ? hi.at - (hi.open ? (step ?? 1) : 0)
      : 0;
  const candidates = [variant, snap(near) + variant * (step ?? 1), snap(near), snap(lo.at + (step ?? 0)), Math.floor(near)];
  return candidates.find((v) => Number.isFinite(v) && fits(v)) ?? near;
}

/** Follows $ref (with sibling keywords kept) and merges allOf, so only one schema is left to read. */
function flatten(s: Schema, root: Schema, seen = 0): Schema {
  if (seen > 20) return s;
  if (typeof s['$ref'] === 'string') {
    const { $ref, ...siblings } = s;
    return flatten({ ...resolveRef($ref, root), ...siblings }, root, seen + 1);
  }
  if (Array.isArray(s['allOf'])) {
    const { allOf, ...rest } = s;
    return (allOf as unknown[]).map((part) => flatten(asSchema(part), root, seen + 1)).reduce(merge, rest);
  }
  return s;
}

function merge(a: Schema, b: Schema): Schema {
  return {
    ...a,
    ...b,
    properties: { ...(a['properties'] as Schema), ...(b['properties'] as Schema) },
    required: [...new Set([...((a['required'] as string[]) ?? []), ...((b['required'] as string[]) ?? [])])],
  };
}

/** "#", "#/$defs/name", "#/definitions/name" or any JSON Pointer into the root. */
function resolveRef(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    node = isObject(node) ? node[decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return asSchema(node);
}

function typeOf(s: Schema): string | undefined {
  const type = s['type'];
  if (Array.isArray(type)) return (type as string[]).find((t) => t !== 'null') ?? 'null';
  if (typeof type === 'string') return type;
  if ('properties' in s || 'required' in s || 'additionalProperties' in s) return 'object';
  if ('items' in s || 'prefixItems' in s) return 'array';
  if ('pattern' in s || 'format' in s || 'minLength' in s) return 'string';
  if ('minimum' in s || 'maximum' in s || 'exclusiveMinimum' in s || 'exclusiveMaximum' in s) return 'number';
  return undefined;
}

function asSchema(value: unknown): Schema {
  return isObject(value) ? value : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
