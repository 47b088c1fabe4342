import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The AWS event payloads the repository carries; test/fixtures/events/README.md says what each one is. */
const EVENTS_DIR = join(__dirname, '..', 'fixtures', 'events');

/**
 * One event payload by file name, freshly parsed so a test may change its copy. A name with a
 * path in it is refused: fixtures live in the repository, never beside it.
 */
export function eventFixture<T = unknown>(name: string): T {
  if (basename(name) !== name) throw new Error(`event fixture "${name}" must be a file name in test/fixtures/events`);
  return JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as T;
}
