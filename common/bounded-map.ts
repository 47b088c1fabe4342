/**
 * Maps `items` with at most `limit` calls in flight, results in input order. After the
 * first failure no new item starts (calls already in flight finish), so a failing step does
 * not keep paying for calls (model tokens, image API calls) whose results will be thrown away.
 */
export async function boundedMap<T, R>(items: readonly T[], limit: number, map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
