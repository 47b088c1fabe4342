import { z } from 'zod';

/** Parses `a=1,b=2` into a record, validating each value with `value`. */
export function keyValueList<T extends z.ZodType>(value: T) {
  return z.string().transform((text, ctx) => {
    const entries: [string, z.infer<T>][] = [];
    for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [key, raw] = pair.split('=').map((s) => s.trim());
      const parsed = value.safeParse(raw);
      if (!key || raw === undefined || !parsed.success) {
        ctx.addIssue({ code: 'custom', message: `expected name=value pairs separated by commas, got "${pair}"` });
        return z.NEVER;
      }
      entries.push([key, parsed.data]);
    }
    return Object.fromEntries(entries);
  });
}

/** Parses a comma-separated list. */
export const commaList = z.string().transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Validates the environment once at start-up; the error names every bad variable and the
 * form it expects, so a misconfigured task fails at once with a readable message.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
  throw new Error(`invalid ${what} configuration:\n${problems}`);
}
