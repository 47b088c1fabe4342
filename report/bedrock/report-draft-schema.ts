import type { ToolInputSchema, ToolSpecification } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { NONE_FITS } from '../editorial/editorial-notes';
import { IAB_TIER1_NAMES } from '../editorial/iab-tier1';
import { SEO_DESCRIPTION_MAX_CHARS, seoDescriptionProblems } from '../editorial/seo-description';
import { reportSchema } from '../report-schema';

/**
 * The parts of the report a model writes. Media id, generator, moderation flags and
 * coverage, damage and the missing analyses are not here: code fills them from the spine and the outcomes, so a
 * model cannot invent or drop a flag (zod strips any extra key it sends). The length caps
 * bound a runaway answer and reach the model through the JSON Schema (maxLength, maxItems).
 * No cross-field refinements (start <= end): JSON Schema cannot say them, so the model
 * could not see them; code orders and clamps chapter times instead.
 */

/** Where an entity was seen: names must come from the evidence, and the report says which. */
export const ENTITY_SOURCES = ['transcript', 'on-screen text', 'labels', 'celebrity recognition', 'metadata'] as const;

const seconds = z.number().nonnegative().describe('Seconds from the start of the media.');

const chapter = z.object({
  title: z.string().min(1).max(120).describe('A few words naming what happens.'),
  start: seconds,
  end: seconds,
  summary: z.string().max(600).describe('One or two sentences; quote speech where it helps.'),
});

/**
 * The model picks from the fixed list, which reaches it as the JSON Schema's enum. zod takes
 * any string on purpose: an answer off the list must not cost the whole draft a repair turn;
 * assembly refuses it and puts the keyword choice in its place.
 */
const category = z
  .string()
  .max(120)
  .meta({ enum: [...IAB_TIER1_NAMES, NONE_FITS] })
  .describe(`The chapter's IAB Content Taxonomy 3.0 tier-1 category, exactly one name from the list; "${NONE_FITS}" when none fits.`);

const reportChapter = chapter.extend({ category: category.optional() });

const topic = z.object({
  name: z.string().min(1).max(60),
  weight: z.number().min(0).max(1).describe('Relative importance: 1 for the main topic.'),
});

const entity = z.object({
  name: z.string().min(1).max(120).describe('Exactly as it appears in the evidence.'),
  type: reportSchema.shape.entities.element.shape.type,
  source: z.enum(ENTITY_SOURCES),
});

export const reportDraftSchema = z.object({
  title: z.string().min(1).max(200),
  summary: z.string().min(1).max(2_000).describe('What the media contains, in a short paragraph.'),
  // The rules are checked by code too (seo-description.ts); a breach gets a repair turn that names it.
  // Optional: a draft without one is not worth a repair turn, code composes it from the draft.
  seoDescription: z
    .string()
    .min(1)
    .max(SEO_DESCRIPTION_MAX_CHARS)
    .superRefine((text, ctx) => {
      for (const problem of seoDescriptionProblems(text)) ctx.addIssue({ code: 'custom', message: `seoDescription: ${problem}` });
    })
    .describe(`A search-engine description of the media: one or two sentences, at most ${SEO_DESCRIPTION_MAX_CHARS} characters, no URLs.`)
    .optional(),
  chapters: z.array(reportChapter).max(40).describe('Consecutive stretches of the media, in order.'),
  topics: z.array(topic).max(12),
  entities: z.array(entity).max(40).describe('People, places, organisations and works named in the evidence.'),
  moderation: z.object({
    verdict: reportSchema.shape.moderation.shape.verdict.describe(
      'flagged when the evidence shows content that needs review; unverified when the moderation coverage leaves part of the picture or sound unchecked; clean otherwise.',
    ),
    rationale: z.string().min(1).max(1_000).describe('Why, citing the moderation flags, the moderation coverage and the analyses that did or did not run.'),
  }),
});
export type ReportDraft = z.infer<typeof reportDraftSchema>;

/** The map step's answer for one stretch of a long timeline; also what merging two stretches gives. */
export const chunkDraftSchema = z.object({
  summary: z.string().min(1).max(1_200).describe('What happens in this part, in a few sentences.'),
  chapters: z.array(chapter).max(12),
  topics: z.array(topic).max(8),
  entities: z.array(entity).max(20),
});
export type ChunkDraft = z.infer<typeof chunkDraftSchema>;

/** A tool the model is forced to call: its input is the answer, checked against `schema`. */
export interface AnswerTool<S extends z.ZodType> {
  schema: S;
  spec: ToolSpecification;
}

function answerTool<S extends z.ZodType>(name: string, description: string, schema: S): AnswerTool<S> {
  // The $schema URI is noise to the model and costs tokens on every call.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { schema, spec: { name, description, inputSchema: { json: json as ToolInputSchema.JsonMember['json'] } } };
}

export const reportTool = answerTool('write_report', 'Record the analysis report of the whole media.', reportDraftSchema);
export const chunkTool = answerTool('summarise_part', 'Record the summary of this part of the timeline.', chunkDraftSchema);
