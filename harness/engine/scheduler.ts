/**
 * The scenario scheduler: runs jobs with bounded concurrency and never runs
 * two jobs that hold the same resource at once (a scenario's `holds:`, e.g.
 * `get-stream`: a server may allow one GET stream at a time, so two holders
 * in flight would decide each other's verdicts).
 *
 * The bound counts the jobs that are working. A job that only watches or
 * waits (a GET stream read to the end of its window, a pause, the wait for a
 * result another job is producing) gives its place up meanwhile through
 * {@link Slot.idle} and takes one again, before any job not yet started,
 * when it has something to send; it keeps its resources all along. So a
 * run's long observation windows overlap the rest of the work instead of
 * filling the places.
 */

/** The resource that stands for the whole server: its holder runs alone, after every other job. */
export const WHOLE_SERVER = 'server';

/** What a running job can do with its place. */
export interface Slot {
  /**
   * Runs `work` without holding a place among the `limit` (the job only
   * watches or waits meanwhile; it keeps its resources), then waits for a
   * place again, ahead of every job not yet started, and returns `work`'s
   * result (or throws its error, after taking the place again).
   */
  idle<W>(work: () => Promise<W>): Promise<W>;
}

/**
 * Runs `fn` over `items` with at most `limit` calls working at once (calls
 * inside {@link Slot.idle} do not count). A job starts only when none of its
 * resources is held by a job in flight (working or idle); among the jobs
 * that can start, the one with the highest `priority` goes first, then the
 * earliest in `items`, so runs are repeatable.
 * A job holding {@link WHOLE_SERVER} runs alone, after every other job has
 * ended (in input order among themselves). Results keep the input order. A
 * job whose `fn` rejects rejects the whole run (after the jobs in flight
 * settle; no job starts after it).
 * @param limit maximum calls working at once (≥ 1)
 * @param resourcesOf the resources a job holds while it runs (names compared by equality)
 */
export async function runScheduled<T, R>(
  items: readonly T[],
  limit: number,
  resourcesOf: (item: T) => readonly string[],
  fn: (item: T, index: number, slot: Slot) => Promise<R>,
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
  /** Jobs holding a place (working). */
  let working = 0;
  /** Jobs started and not ended (working or idle). */
  let inFlight = 0;
  /** Idle jobs that want their place back, first come first served. */
  const returning: Array<() => void> = [];
  let failure: { error: unknown } | undefined;
  return new Promise<R[]>((resolve, reject) => {
    /**
     * A job's slot. Idle calls of one job that overlap share one idle period: the place is given up when the first
     * begins and asked back when the last ends; every one of them returns only once the place is back.
     */
    const slotFor = (): Slot => {
      let state: 'working' | 'idle' | 'returning' = 'working';
      let idles = 0;
      let back: Promise<void> = Promise.resolve();
      let giveBack = () => {};
      return {
        async idle<W>(work: () => Promise<W>): Promise<W> {
          // An idle call that begins while the place is being asked back waits for it first.
          while (state === 'returning') await back;
          if (idles++ === 0) {
            state = 'idle';
            back = new Promise<void>((r) => (giveBack = r));
            working--;
            pump();
          }
          try {
            return await work();
          } finally {
            if (--idles === 0) {
              state = 'returning';
              returning.push(() => {
                state = 'working';
                giveBack();
              });
              pump();
            }
            await back;
          }
        },
      };
    };
    const pump = () => {
      // A job coming back from idle goes before any job not yet started, even after a failure (it must finish).
      while (working < max && returning.length > 0) {
        working++;
        returning.shift()!();
      }
      if (failure) {
        if (inFlight === 0) reject(failure.error);
        return;
      }
      while (working < max) {
        const at = waiting.findIndex((i) => (alone(i) ? inFlight === 0 : !held.has(WHOLE_SERVER) && resourcesOf(items[i]!).every((r) => !held.has(r))));
        if (at < 0) break;
        const i = waiting.splice(at, 1)[0]!;
        const res = resourcesOf(items[i]!);
        res.forEach((r) => held.add(r));
        working++;
        inFlight++;
        fn(items[i]!, i, slotFor()).then(
          (r) => {
            out[i] = r;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        ).finally(() => {
          res.forEach((r) => held.delete(r));
          working--;
          inFlight--;
          pump();
        });
      }
      if (inFlight === 0 && waiting.length === 0) resolve(out);
    };
    pump();
  });
}
