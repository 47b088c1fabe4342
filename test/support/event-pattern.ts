/**
 * Evaluates the subset of EventBridge pattern syntax the CDK app uses (exact values,
 * `prefix`, `wildcard`, `numeric` comparisons, nested objects) against an event, so the deployed rule
 * can be tried on real S3 event payloads without an AWS account. Unknown operators throw:
 * a pattern the helper cannot judge must not pass silently.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((alternative) => matchesValue(alternative, event));
  if (!isObject(pattern)) throw new Error(`unsupported pattern node: ${JSON.stringify(pattern)}`);
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([field, sub]) => field in event && matchesPattern(sub, event[field]));
}

function matchesValue(alternative: unknown, value: unknown): boolean {
  if (typeof alternative === 'string' || typeof alternative === 'number' || typeof alternative === 'boolean') return alternative === value;
  if (!isObject(alternative)) throw new Error(`unsupported pattern value: ${JSON.stringify(alternative)}`);
  if ('prefix' in alternative) return typeof value === 'string' && value.startsWith(String(alternative['prefix']));
  if ('wildcard' in alternative) return typeof value === 'string' && wildcardRegex(String(alternative['wildcard'])).test(value);
  if ('numeric' in alternative) return typeof value === 'number' && numericMatches(alternative['numeric'] as unknown[], value);
  throw new Error(`unsupported pattern operator: ${JSON.stringify(alternative)}`);
}

function wildcardRegex(wildcard: string): RegExp {
  return new RegExp(`^${wildcard.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 's');
}

function numericMatches(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const [operator, bound] = [conditions[i], conditions[i + 1] as number];
    const ok = { '>': value > bound, '>=': value >= bound, '<': value < bound, '<=': value <= bound, '=': value === bound }[operator as string];
    if (ok === undefined) throw new Error(`unsupported numeric operator ${String(operator)}`);
    if (!ok) return false;
  }
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
