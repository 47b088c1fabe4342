import { z } from 'zod';
import { COST_UNITS } from '../../common/types';

/**
 * The report schema, shared by the local extractive writer and the Bedrock writer: the
 * same JSON whichever backend wrote it, validated before it is stored.
 */
export const reportSchema = z.object({
  mediaId: z.string(),
  generatedBy: z.string().min(1),
  title: z.string(),
  summary: z.string(),
  chapters: z.array(
    z.object({ title: z.string().min(1), start: z.number().nonnegative(), end: z.number().nonnegative(), summary: z.string() }),
  ),
  topics: z.array(z.object({ name: z.string().min(1), weight: z.number().min(0).max(1) })),
  entities: z.array(z.object({ name: z.string().min(1), type: z.enum(['person', 'place', 'organization', 'work', 'other']), source: z.string() })),
  moderation: z.object({
    verdict: z.enum(['clean', 'flagged']),
    rationale: z.string().min(1),
    flags: z.array(z.object({ start: z.number(), end: z.number(), source: z.enum(['visual', 'audio']), category: z.string(), score: z.number() })),
  }),
  /** Analyses that did not contribute, and why: the report says what it could not see. */
  missing: z.array(z.object({ analysis: z.string(), status: z.enum(['skipped', 'failed']), reason: z.string() })),
  /** What the paid services billed for this media, at the configured prices; absent when all ran locally. */
  cost: z
    .object({
      totalUsd: z.number().nonnegative(),
      lines: z.array(
        z.object({
          service: z.enum(['rekognition', 'transcribe', 'bedrock']),
          item: z.string(),
          unit: z.enum(COST_UNITS),
          quantity: z.number().nonnegative(),
          usd: z.number().nonnegative(),
        }),
      ),
    })
    .optional(),
});

export type Report = z.infer<typeof reportSchema>;
