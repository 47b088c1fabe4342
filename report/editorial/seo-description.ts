/** Search engines cut a meta description at about this many characters. */
export const SEO_DESCRIPTION_MAX_CHARS = 160;
const MAX_SENTENCES = 2;

/** Anything that reads as a link: a scheme, "www.", or a bare domain with a common ending. */
const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b[a-z0-9-]+\.(?:com|net|org|io|co|tv|info|biz|app|dev|ly|me)\b/i;
/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATIONS = /\b(?:mr|mrs|ms|dr|st|vs|jr|sr|prof|no|approx|etc|e\.g|i\.e)\.$/i;

/**
 * What is wrong with a description, in words (empty when it is fine): at most
 * SEO_DESCRIPTION_MAX_CHARS characters, one or two sentences, one line, no links. The same
 * rules bind the model (through the draft schema's repair turn) and the extractive writer.
 */
export function seoDescriptionProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.trim()) problems.push('it is empty');
  if ([...text].length > SEO_DESCRIPTION_MAX_CHARS) problems.push(`it is ${[...text].length} characters long, over ${SEO_DESCRIPTION_MAX_CHARS}`);
  // eslint-disable-next-line no-control-regex -- control characters are what must not be there
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(text)) problems.push('it spans lines or holds control characters');
  if (URL_LIKE.test(text)) problems.push('it contains a URL or a domain name');
  const sentences = countSentences(text);
  if (sentences > MAX_SENTENCES) problems.push(`it has ${sentences} sentences, over ${MAX_SENTENCES}`);
  return problems;
}

/** Sentence ends: ".", "!" or "?" (runs count once) before a space or the end, abbreviations aside; unterminated text is one sentence. */
export function countSentences(text: string): number {
  const trimmed = text.trim();
  if (!trimmed) return 0;
  let count = 0;
  for (const match of trimmed.matchAll(/[.!?]+(?=\s|$)/g)) {
    const before = trimmed.slice(0, (match.index ?? 0) + match[0].length);
    if (match[0] === '.' && ABBREVIATIONS.test(before)) continue;
    count += 1;
  }
  return /[.!?]$/.test(trimmed) ? Math.max(1, count) : count + 1;
}

/** What the extractive description is composed from: facts and topics only, never invented. */
export interface SeoFacts {
  /** "21 s video", "3 min 4 s audio recording", "JPEG image". */
  what: string;
  title?: string;
  topics: readonly string[];
  /** People named by the evidence (recognition, known people, the transcript), most seen first. */
  people: readonly string[];
}

/**
 * "Title: a 21 s video about leisure, power and old age. Features Ada Lovelace." Topics and
 * people are dropped from the end until it fits the rules; a title that breaks them (a URL,
 * a third sentence) is left out rather than cut.
 */
export function composeSeoDescription(facts: SeoFacts): string {
  const titles = facts.title && !URL_LIKE.test(facts.title) ? [clean(facts.title), undefined] : [undefined];
  for (const title of titles) {
    for (let topics = Math.min(facts.topics.length, 5); topics >= 0; topics--) {
      for (let people = Math.min(facts.people.length, 3); people >= 0; people--) {
        const text = sentences(facts, title, topics, people);
        if (seoDescriptionProblems(text).length === 0) return text;
      }
    }
  }
  return fitWords(capitalise(`${article(facts.what)} ${facts.what}.`));
}

function sentences(facts: SeoFacts, title: string | undefined, topicCount: number, peopleCount: number): string {
  const topics = facts.topics.slice(0, topicCount).map(clean).filter(Boolean);
  const about = topics.length ? ` about ${list(topics)}` : '';
  const first = title ? `${title}: ${article(facts.what)} ${facts.what}${about}.` : capitalise(`${article(facts.what)} ${facts.what}${about}.`);
  const people = facts.people.slice(0, peopleCount).map(clean).filter(Boolean);
  return people.length ? `${first} Features ${list(people)}.` : first;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

function article(phrase: string): string {
  // Said aloud: "an 8 s", "an 11 s", "an 18 s", "an audio".
  return /^[aeiou]/i.test(phrase) || /^8|^1[18]\b/.test(phrase) ? 'an' : 'a';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One line, no sentence marks of its own, so it cannot add a sentence. */
function clean(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- control characters are what must go
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[.!?]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The last resort stays within the length: whole words, then an ellipsis. */
function fitWords(text: string): string {
  if ([...text].length <= SEO_DESCRIPTION_MAX_CHARS) return text;
  const words = text.split(' ');
  while (words.length > 1 && [...`${words.join(' ')}…`].length > SEO_DESCRIPTION_MAX_CHARS) words.pop();
  return `${words.join(' ')}…`;
}
