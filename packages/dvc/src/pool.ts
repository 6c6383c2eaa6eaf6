/**
 * Runs `fn` over `items` with at most `jobs` calls in flight, taking items lazily from the
 * iterator. Unlike `Promise.all(items.map((x) => limit(() => fn(x))))` no promise or closure
 * exists per item before its turn, so memory stays flat for a million tracked files. The
 * first failure stops the workers from taking more items and is rethrown.
 */
export type Pool = <T>(items: Iterable<T>, fn: (item: T) => Promise<unknown> | unknown) => Promise<void>;

export function pool(jobs: number): Pool {
  return async <T>(items: Iterable<T>, fn: (item: T) => Promise<unknown> | unknown) => {
    const iterator = items[Symbol.iterator]();
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (!failure) {
        const next = iterator.next();
        if (next.done) return;
        try {
          await fn(next.value);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
    if (failure) throw failure.error;
  };
}
