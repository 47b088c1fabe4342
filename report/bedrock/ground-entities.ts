import type { ReportDraft } from './report-draft-schema';

type Entity = ReportDraft['entities'][number];

/**
 * The entities whose names occur in the evidence the model was shown, one per name and type.
 * The prompt forbids invented names; this makes it a guarantee: a name that appears nowhere
 * in the transcript, labels, recognised people, on-screen text or metadata is dropped.
 * Matching ignores case, accents and punctuation ("Dr. Smith" matches "dr smith") but needs
 * whole words, so "Ann" is not found inside "annual".
 */
export function groundEntities(entities: readonly Entity[], evidence: string): Entity[] {
  const haystack = ` ${normalise(evidence)} `;
  const seen = new Set<string>();
  return entities.filter((entity) => {
    const name = normalise(entity.name);
    const key = `${entity.type}:${name}`;
    if (!name || seen.has(key) || !haystack.includes(` ${name} `)) return false;
    seen.add(key);
    return true;
  });
}

function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
