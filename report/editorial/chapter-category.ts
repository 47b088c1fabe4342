import type { Spine } from '../../spine/spine';
import { IAB_TIER1, iabCategoryNamed } from './iab-tier1';

/** A chapter's IAB tier-1 category and who chose it. */
export interface ChapterCategory {
  id: string;
  name: string;
  /** `model`: the model chose it from the list; `keywords`: the extractive vocabulary match chose it. */
  source: 'model' | 'keywords';
  /** The vocabulary found in the chapter, for a keyword choice: why it was chosen. */
  matched?: string[];
}

/**
 * Fewer distinct vocabulary hits than this is too little to go on: one passing "car" in a
 * chapter about something else must not make it Automotive.
 */
const MIN_DISTINCT_HITS = 2;

/**
 * The extractive choice: the category whose vocabulary the text uses most (distinct terms),
 * when it is at least MIN_DISTINCT_HITS and strictly ahead of the next; otherwise none fits
 * and the answer is undefined. A tie is not broken by guessing.
 */
export function categoryByKeywords(text: string): ChapterCategory | undefined {
  const haystack = ` ${normalise(text)} `;
  const scored = IAB_TIER1.map((category) => ({ category, matched: category.vocabulary.filter((term) => mentions(haystack, term)) }))
    .filter((s) => s.matched.length > 0)
    .sort((a, b) => b.matched.length - a.matched.length);
  const [best, next] = scored;
  if (!best || best.matched.length < MIN_DISTINCT_HITS || (next && next.matched.length === best.matched.length)) return undefined;
  return { id: best.category.id, name: best.category.name, source: 'keywords', matched: best.matched };
}

/** What the timeline shows between `start` and `end`: speech, labels, people and on-screen text of the segments that overlap it. */
export function stretchText(spine: Spine, start: number, end: number): string {
  return spine.segments
    .filter((s) => (s.start < end && s.end > start) || (start === end && s.start <= start && s.end >= start))
    .flatMap((s) => [s.speech, ...(s.labels ?? []), ...(s.onScreenText ?? [])])
    .filter(Boolean)
    .join(' ');
}

/** A model's answer checked against the fixed list: the category when it names one, else undefined (refused). */
export function categoryFromModel(answer: string): ChapterCategory | undefined {
  const category = iabCategoryNamed(answer);
  return category ? { id: category.id, name: category.name, source: 'model' } : undefined;
}

/** A term occurs as whole words, singular or with a plural ending. */
function mentions(haystack: string, term: string): boolean {
  const words = normalise(term);
  return haystack.includes(` ${words} `) || haystack.includes(` ${words}s `) || haystack.includes(` ${words}es `);
}

function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
