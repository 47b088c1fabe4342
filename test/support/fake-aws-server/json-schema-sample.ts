/**
 * The fake model's default answer: the simplest value that satisfies a JSON Schema (as zod 4's
 * toJSONSchema writes them), so the writer's own validation, not luck, decides what passes.
 */
type Schema = Record<string, unknown>;

export function sampleFromSchema(schema: unknown, root: Schema = schema as Schema, depth = 0): unknown {
  const s = (schema ?? {}) as Schema;
  if (depth > 12) return null;
  if (typeof s['$ref'] === 'string') {
    const name = (s['$ref'] as string).replace(/^#\/(\$defs|definitions)\//, '');
    const defs = (root['$defs'] ?? root['definitions'] ?? {}) as Record<string, unknown>;
    return sampleFromSchema(defs[name], root, depth + 1);
  }
  if ('const' in s) return s['const'];
  if (Array.isArray(s['enum'])) return s['enum'][0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options)) {
      const usable = options.find((o) => (o as Schema)['type'] !== 'null') ?? options[0];
      return sampleFromSchema(usable, root, depth + 1);
    }
  }
  const type = Array.isArray(s['type']) ? (s['type'] as string[]).find((t) => t !== 'null') : s['type'];
  switch (type) {
    case 'object': {
      const properties = (s['properties'] ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, sampleFromSchema(value, root, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, Number(s['minItems'] ?? 1));
      const max = s['maxItems'] === undefined ? count : Number(s['maxItems']);
      return Array.from({ length: Math.min(count, max) }, () => sampleFromSchema(s['items'], root, depth + 1));
    }
    case 'string': {
      const min = Number(s['minLength'] ?? 1);
      const text = 'sample';
      return text.length >= min ? text : text.padEnd(min, 'x');
    }
    case 'number':
    case 'integer': {
      const minimum = s['minimum'] ?? s['exclusiveMinimum'];
      const maximum = s['maximum'] ?? s['exclusiveMaximum'];
      if (minimum !== undefined) return Number(minimum) + (s['exclusiveMinimum'] !== undefined ? 1 : 0);
      if (maximum !== undefined) return Math.min(0, Number(maximum) - (s['exclusiveMaximum'] !== undefined ? 1 : 0));
      return 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}
