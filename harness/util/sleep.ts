/**
 * Waits `ms` milliseconds, or less when `signal` aborts (resolves at once
 * when it already has). Never rejects.
 * @param ms time to wait, in ms (negative waits nothing)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
