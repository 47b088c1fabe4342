import { parseLibraryUri, parseRate, parseSince } from '../../cli/commands/backfill';
import { addRefusals, rateBatches, remainderOfSecond } from '../../workflows/backfill-batching';
import { MAX_REFUSAL_REASONS, OTHER_REFUSALS } from '../../workflows/backfill-messages';

describe('backfill batching', () => {
  it('splits starts into batches of at most the rate, in order, none empty', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);
    const batches = rateBatches(items, 10);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat()).toEqual(items);
    expect(rateBatches([], 10)).toEqual([]);
  });

  it('waits the rest of the second after a batch, nothing once the second has passed', () => {
    expect(remainderOfSecond(5_000, 5_000)).toBe(1000);
    expect(remainderOfSecond(5_000, 5_300)).toBe(700);
    expect(remainderOfSecond(5_000, 6_000)).toBe(0);
    expect(remainderOfSecond(5_000, 9_000)).toBe(0);
  });

  it('adds refusals by reason, and past the bound counts further reasons together', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_REFUSAL_REASONS + 5 }, (_, i) => [`size ${i} below the 4 byte minimum`, 1]));
    const sum = addRefusals(addRefusals({}, many), { 'size 0 below the 4 byte minimum': 2, 'yet another': 3 });
    expect(Object.keys(sum)).toHaveLength(MAX_REFUSAL_REASONS + 1);
    expect(sum['size 0 below the 4 byte minimum']).toBe(3);
    expect(sum[OTHER_REFUSALS]).toBe(5 + 3);
    expect(Object.values(sum).reduce((a, b) => a + b, 0)).toBe(MAX_REFUSAL_REASONS + 5 + 5);
  });
});

describe('backfill arguments', () => {
  it('reads a bucket prefix, or a whole bucket', () => {
    expect(parseLibraryUri('s3://media/incoming/acme/')).toEqual({ bucket: 'media', prefix: 'incoming/acme/' });
    expect(parseLibraryUri('s3://media')).toEqual({ bucket: 'media', prefix: '' });
    expect(parseLibraryUri('s3://media/')).toEqual({ bucket: 'media', prefix: '' });
    expect(() => parseLibraryUri('https://media/x')).toThrow(/s3:\/\/bucket\/prefix/);
  });

  it('takes a whole rate from 1 to the bound, with or without /s', () => {
    expect(parseRate('10/s')).toBe(10);
    expect(parseRate('1')).toBe(1);
    for (const bad of ['0', '-3', '2.5', '101', 'fast']) expect(() => parseRate(bad)).toThrow(/whole number from 1 to 100/);
  });

  it('takes an ISO date in the past', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(parseSince('2026-01-31', now)).toBe('2026-01-31T00:00:00.000Z');
    expect(parseSince('2026-01-31T12:30:00Z', now)).toBe('2026-01-31T12:30:00.000Z');
    expect(() => parseSince('2026-07-01', now)).toThrow(/in the past/);
    for (const bad of ['yesterday', '31/01/2026', '2026-13-45']) expect(() => parseSince(bad, now)).toThrow(/ISO 8601/);
  });
});
