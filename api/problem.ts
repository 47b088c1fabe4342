import { z } from '@hono/zod-openapi';

/**
 * Problem types are URNs: stable names a client can switch on, that promise no page behind
 * them (docs/API.md lists each one). RFC 9457 asks only that `type` be a URI.
 */
export const problemType = (slug: string): string => `urn:reelscope:problem:${slug}`;

/** RFC 9457 problem details, as every error of the API is answered (`application/problem+json`). */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: problemType('not-found') }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request id, as in the x-request-id header and the logs.' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof problemSchema>;

/**
 * An error the API answers as a problem: thrown anywhere below a route, turned into its
 * response by the app's one error handler. Its message is written for the caller, so it must
 * never carry internals (paths, stack, SDK messages): those stay in `cause` and the log.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
    options?: { cause?: unknown; headers?: Record<string, string>; errors?: Problem['errors'] },
  ) {
    super(detail ?? title, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headers = options?.headers ?? {};
    this.errors = options?.errors;
  }
  readonly headers: Record<string, string>;
  readonly errors: Problem['errors'];
}

/** 404 for what does not exist and for what belongs to another tenant alike: existence is not disclosed. */
export const notFound = (what: string): ProblemError => new ProblemError(404, 'not-found', 'Not found', `no ${what} with this id`);
