import type { Spine } from '../../spine/spine';
import type { Report } from '../report-schema';
import { DEFAULT_AD_BREAK_RULES, suggestAdBreaks, type AdBreakRules } from './ad-breaks';
import { categoryByKeywords, categoryFromModel, stretchText } from './chapter-category';

/** The model's answer when no category fits. */
export const NONE_FITS = 'none';

/**
 * The editorial parts of a report that code derives from the spine, whichever writer wrote
 * the prose: ad-break suggestions (video only: only video has shot changes) and the faces.
 */
export function editorialNotes(spine: Spine, rules: AdBreakRules = DEFAULT_AD_BREAK_RULES): Pick<Report, 'adBreaks' | 'faces'> {
  // Breaks are shot changes inside silence: where silence was not measured (the aws backend's
  // segment detection times none) "no break met the rules" would claim what nobody checked.
  const adBreaks: Report['adBreaks'] = spine.hasVideo && spine.kind === 'video' && spine.silencesMeasured === true
    ? {
        rules: { ...rules },
        suggestions: suggestAdBreaks(
          { durationSeconds: spine.durationSeconds, shotStarts: spine.segments.map((s) => s.start), silences: spine.silences, blackSegments: spine.blackSegments },
          rules,
        ),
      }
    : undefined;
  return { ...(adBreaks ? { adBreaks } : {}), ...(spine.faces ? { faces: reportFaces(spine.faces) } : {}) };
}

/** Faces as the report shows them, with what they were compared with in words. */
export function reportFaces(faces: NonNullable<Spine['faces']>): NonNullable<Report['faces']> {
  const { faceCount, knownPeopleSearched, knownPeople } = faces;
  // Spines from before faces were counted as compared had every face compared.
  const compared = faces.facesCompared ?? (knownPeopleSearched > 0 ? faceCount : 0);
  const seen = `${faceCount} face${faceCount === 1 ? '' : 's'} seen.`;
  const people = `${knownPeopleSearched} known ${knownPeopleSearched === 1 ? 'person' : 'people'}`;
  const searched = knownPeopleSearched === 0
    ? 'No known people enrolled: faces were not compared.'
    : compared === faceCount
      ? `Compared with ${people}.`
      : `${compared} of them compared with ${people}; the others were not compared (an image search compares only the largest face of a frame).`;
  return {
    faceCount,
    knownPeopleSearched,
    statement: `${seen} ${searched}`,
    knownPeople: knownPeople.map((p) => ({ personId: p.personId, name: p.name, ranges: p.ranges.map((r) => ({ ...r })) })),
  };
}

/** A chapter with its category chosen by keywords from what the timeline shows in its time range. */
export function withKeywordCategory<C extends { start: number; end: number }>(spine: Spine, chapter: C): C & Pick<Report['chapters'][number], 'category'> {
  const category = categoryByKeywords(stretchText(spine, chapter.start, chapter.end));
  return { ...chapter, ...(category ? { category } : {}) };
}

/**
 * A chapter with the model's category when it is on the list; otherwise the answer is
 * refused (kept in `refusedCategory`, for the record) and the keyword choice replaces it.
 * An answer of "none" is the model saying none fits, and stands.
 */
export function withModelCategory<C extends { start: number; end: number }>(spine: Spine, chapter: C, answer: string | undefined): C & Pick<Report['chapters'][number], 'category' | 'refusedCategory'> {
  if (answer !== undefined && answer.trim().toLowerCase() === NONE_FITS) return { ...chapter };
  const chosen = answer === undefined ? undefined : categoryFromModel(answer);
  if (chosen) return { ...chapter, category: chosen };
  const replaced = withKeywordCategory(spine, chapter);
  return answer === undefined ? replaced : { ...replaced, refusedCategory: answer.slice(0, 120) };
}
