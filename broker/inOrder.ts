/** fn over items one after another, results in order (a transaction's connection runs one statement at a time anyway). */
export async function mapInOrder<T, R>(items: Iterable<T>, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await fn(item));
  return results;
}

/** The items for which the async test holds, in order. */
export async function filterInOrder<T>(items: Iterable<T>, test: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept: T[] = [];
  for (const item of items) if (await test(item)) kept.push(item);
  return kept;
}
