import { z } from 'zod';
import { reportSchema } from './report-schema';

/**
 * What the model writes: the prose and the structure it infers. Verdict, flags, media id and
 * the missing analyses are filled in by code from the spine and the outcomes, so a model
 * cannot invent or drop a moderation flag. Caps keep a runaway answer bounded.
 */
const chapter = z.object({
  title: z.string().min(1).max(120),
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  summary: z.string().max(600),
});
const topic = z.object({ name: z.string().min(1).max(60), weight: z.number().min(0).max(1) });
const entity = reportSchema.shape.entities.element.extend({ name: z.string().min(1).max(120), source: z.string().max(120) });

export const reportDraftSchema = z.object({
  title: z.string().min(1).max(200),
  summary: z.string().min(1).max(2_000),
  chapters: z.array(chapter).max(40),
  topics: z.array(topic).max(12),
  entities: z.array(entity).max(40),
  moderationRationale: z.string().min(1).max(1_000),
});
export type ReportDraft = z.infer<typeof reportDraftSchema>;

/** The map step's answer for one stretch of a long timeline. */
export const partialDraftSchema = reportDraftSchema.pick({ summary: true, chapters: true, topics: true, entities: true });
export type PartialDraft = z.infer<typeof partialDraftSchema>;
