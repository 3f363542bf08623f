/**
 * The scenario scheduler: runs jobs with bounded concurrency and never runs
 * two jobs that hold the same resource at once (a scenario's `holds:`, e.g.
 * `get-stream`: a server may allow one GET stream at a time, so two holders
 * in flight would decide each other's verdicts).
 */

/** The resource that stands for the whole server: its holder runs alone, after every other job. */
export const WHOLE_SERVER = 'server';

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. A job starts
 * only when none of its resources is held by a running job; among the jobs
 * that can start, the one with the highest `priority` goes first, then the
 * earliest in `items`, so runs are repeatable.
 * A job holding {@link WHOLE_SERVER} runs alone, after every other job (in
 * input order among themselves). Results keep the input order. A job whose
 * `fn` rejects rejects the whole run (after the jobs in flight settle).
 * @param limit maximum concurrent calls (≥ 1)
 * @param resourcesOf the resources a job holds while it runs (names compared by equality)
 */
export async function runScheduled<T, R>(
  items: readonly T[],
  limit: number,
  resourcesOf: (item: T) => readonly string[],
  fn: (item: T, index: number) => Promise<R>,
  /** Start order among the jobs that can start: a higher priority first (e.g. the expected duration, for longest-first); ties keep input order. */
  priority?: (item: T) => number,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  const alone = (i: number) => resourcesOf(items[i]!).includes(WHOLE_SERVER);
  const prio = items.map((it) => priority?.(it) ?? 0);
  // Stable: equal priorities keep their input order.
  const all = items.map((_, i) => i).sort((a, b) => prio[b]! - prio[a]! || a - b);
  const waiting = [...all.filter((i) => !alone(i)), ...all.filter(alone)];
  const held = new Set<string>();
  const max = Math.max(1, limit);
  let running = 0;
  let failure: { error: unknown } | undefined;
  return new Promise<R[]>((resolve, reject) => {
    const pump = () => {
      if (failure) {
        if (running === 0) reject(failure.error);
        return;
      }
      while (running < max) {
        const at = waiting.findIndex((i) => (alone(i) ? running === 0 : !held.has(WHOLE_SERVER) && resourcesOf(items[i]!).every((r) => !held.has(r))));
        if (at < 0) break;
        const i = waiting.splice(at, 1)[0]!;
        const res = resourcesOf(items[i]!);
        res.forEach((r) => held.add(r));
        running++;
        fn(items[i]!, i).then(
          (r) => {
            out[i] = r;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        ).finally(() => {
          res.forEach((r) => held.delete(r));
          running--;
          pump();
        });
      }
      if (running === 0 && waiting.length === 0) resolve(out);
    };
    pump();
  });
}
