import { z } from 'zod';
import { COST_UNITS, MODERATION_VERDICTS } from '../common/types';
import { IAB_TIER1 } from './editorial/iab-tier1';
import { EXPORT_NAMES } from './editorial/exports';
import { seoDescriptionProblems } from './editorial/seo-description';

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();

/** A tier-1 category exactly as the fixed list has it: an id with its own name, nothing else. */
const iabCategory = z
  .object({
    // Enums in the list's order, so the JSON Schema names every allowed value; the pair is checked below.
    // A literal of the ids, not an enum: an enum is an object, whose numeric-looking keys would sort.
    id: z.literal(IAB_TIER1.map((c) => c.id)),
    name: z.enum(IAB_TIER1.map((c) => c.name) as [string, ...string[]]),
    source: z.enum(['model', 'keywords']),
    /** For a keyword choice, the vocabulary found in the chapter. */
    matched: z.array(z.string()).optional(),
  })
  .refine((c) => IAB_TIER1.some((listed) => listed.id === c.id && listed.name === c.name), { message: 'not an IAB Content Taxonomy 3.0 tier-1 category' });

/**
 * The report schema, shared by the local extractive writer and the Bedrock writer: the
 * same JSON whichever backend wrote it, validated before it is stored.
 */
export const reportSchema = z.object({
  mediaId: z.string(),
  generatedBy: z.string().min(1),
  title: z.string(),
  summary: z.string(),
  /**
   * A search-engine description: at most 160 characters, one or two sentences, no links
   * (seo-description.ts). Both writers write it; absent only in reports from before it.
   */
  seoDescription: z
    .string()
    .superRefine((text, ctx) => {
      for (const problem of seoDescriptionProblems(text)) ctx.addIssue({ code: 'custom', message: `seoDescription: ${problem}` });
    })
    .optional(),
  chapters: z.array(
    z.object({
      title: z.string().min(1),
      start: z.number().nonnegative(),
      end: z.number().nonnegative(),
      summary: z.string(),
      /** The chapter's IAB Content Taxonomy 3.0 tier-1 category; absent when none fits. */
      category: iabCategory.optional(),
      /** What the model answered when it was not on the list: refused, and replaced by the keyword choice (or none). */
      refusedCategory: z.string().max(120).optional(),
    }),
  ),
  topics: z.array(z.object({ name: z.string().min(1), weight: z.number().min(0).max(1) })),
  entities: z.array(z.object({ name: z.string().min(1), type: z.enum(['person', 'place', 'organization', 'work', 'other']), source: z.string() })),
  moderation: z.object({
    /** clean only when moderation covered the picture and the sound of undamaged media; else unverified, unless flagged. */
    verdict: z.enum(MODERATION_VERDICTS),
    rationale: z.string().min(1),
    /** What the verdict rests on; code fills it from the spine, whichever writer wrote the prose. */
    coverage: z.object({
      /** In words: "Picture: 11 frames checked over 0.0–22.0 s of 21.2 s. Sound: ..." */
      statement: z.string(),
      picture: z.object({ frames: count.optional(), start: seconds, end: seconds }).optional(),
      sound: z.object({ audioSeconds: seconds, words: count, lowConfidenceHits: count }).optional(),
      /** Why the verdict is not clean when nothing was flagged; empty when coverage is complete. */
      gaps: z.array(z.string()),
    }),
    flags: z.array(z.object({ start: z.number(), end: z.number(), source: z.enum(['visual', 'audio']), category: z.string(), score: z.number() })),
  }),
  /** Decode errors found while analysing: the media is damaged about there, and this much. */
  damage: z.object({ decodeErrors: count, videoErrors: count, audioErrors: count, start: seconds, end: seconds }).optional(),
  /** Speech recognised below the confidence threshold: kept in the report, marked, and counted here. */
  lowConfidenceSpeech: z.object({ segments: count, seconds, threshold: z.number().min(0).max(1) }).optional(),
  /** Technical cues (colour bars, slates, credits, black frames, ...): the types looked for, and each one found; as in the spine. */
  technicalCues: z
    .object({
      checked: z.array(z.string()),
      cues: z.array(z.object({ type: z.string().min(1), start: seconds, end: seconds, confidence: z.number().min(0).max(1).optional() })),
    })
    .optional(),
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
  /** Shot changes inside silence where an ad break would interrupt least, best first; video only (ad-breaks.ts). */
  adBreaks: z
    .object({
      rules: z.object({ edgeSeconds: seconds, minGapSeconds: seconds, blackNearbySeconds: seconds }),
      suggestions: z.array(z.object({ time: seconds, rank: z.number().int().positive(), silenceSeconds: seconds, blackNearby: z.boolean(), reason: z.string().min(1) })),
    })
    .optional(),
  /** What face detection saw and whom it compared the faces with; absent when face detection did not run. */
  faces: z
    .object({
      faceCount: count,
      knownPeopleSearched: count,
      /** "Compared with 3 known people." or "No known people enrolled: faces were not compared." */
      statement: z.string().min(1),
      knownPeople: z.array(
        z.object({
          personId: z.string().min(1),
          name: z.string().min(1),
          ranges: z.array(z.object({ start: seconds, end: seconds, similarity: z.number().min(0).max(1) })),
        }),
      ),
    })
    .optional(),
  /** Shots and chapters as CMX3600 EDL and CSV, beside report.json; notes say what could not be exported and why. */
  exports: z
    .object({
      /** The timecode the EDLs and CSVs count in ("25 fps non-drop"); absent when there is none. */
      timecode: z.string().optional(),
      files: z.array(z.object({ name: z.enum(EXPORT_NAMES), ref: z.string().startsWith('s3://'), contentType: z.string().min(1) })),
      notes: z.array(z.string()),
    })
    .optional(),
  /** The transcript's subtitle files (s3:// references) and how many cues they hold; absent when none were written. */
  subtitles: z
    .object({ vtt: z.string().startsWith('s3://').optional(), srt: z.string().startsWith('s3://').optional(), cues: count })
    .optional(),
});

export type Report = z.infer<typeof reportSchema>;
