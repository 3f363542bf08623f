/** The scenario scheduler: concurrency bound, holders of one resource never overlap, whole-server holders run alone and last. */
import { describe, it, expect } from 'vitest';
import { runScheduled, WHOLE_SERVER } from './scheduler.js';

interface Job {
  name: string;
  holds: string[];
}

/** Runs `jobs`; each job yields a few event-loop turns. Records every start and end, and what was running at each start. */
async function trace(jobs: Job[], limit: number) {
  const running = new Set<string>();
  const events: string[] = [];
  const overlaps: Array<{ job: string; with: string[] }> = [];
  let peak = 0;
  const out = await runScheduled(jobs, limit, (j) => j.holds, async (j, i) => {
    overlaps.push({ job: j.name, with: [...running] });
    running.add(j.name);
    peak = Math.max(peak, running.size);
    events.push(`start ${j.name}`);
    for (let k = 0; k < 3 + (i % 3); k++) await new Promise((r) => setImmediate(r));
    running.delete(j.name);
    events.push(`end ${j.name}`);
    return j.name.toUpperCase();
  });
  return { out, events, overlaps, peak };
}

describe('runScheduled', () => {
  it('keeps the input order of results and never exceeds the limit', async () => {
    const jobs = Array.from({ length: 10 }, (_, i) => ({ name: `j${i}`, holds: [] }));
    const t = await trace(jobs, 3);
    expect(t.out).toEqual(jobs.map((j) => j.name.toUpperCase()));
    expect(t.peak).toBe(3);
  });

  it('never runs two holders of one resource at once, and lets others run beside them', async () => {
    const jobs = [
      { name: 'g1', holds: ['get-stream'] },
      { name: 'g2', holds: ['get-stream'] },
      { name: 'a', holds: [] },
      { name: 'g3', holds: ['get-stream'] },
      { name: 'b', holds: [] },
    ];
    const t = await trace(jobs, 4);
    const holders = new Set(['g1', 'g2', 'g3']);
    for (const o of t.overlaps) if (holders.has(o.job)) expect(o.with.filter((w) => holders.has(w))).toEqual([]);
    // `a` did not wait for the GET-stream holders.
    expect(t.events.indexOf('start a')).toBeLessThan(t.events.indexOf('end g1'));
  });

  it('runs a whole-server holder alone, after every other job', async () => {
    const jobs = [
      { name: 's1', holds: [WHOLE_SERVER] },
      { name: 'a', holds: [] },
      { name: 'g', holds: ['get-stream'] },
      { name: 's2', holds: [WHOLE_SERVER] },
      { name: 'b', holds: [] },
    ];
    const t = await trace(jobs, 4);
    expect(t.overlaps.filter((o) => o.job.startsWith('s')).map((o) => o.with)).toEqual([[], []]);
    const lastOther = Math.max(...['a', 'g', 'b'].map((n) => t.events.indexOf(`end ${n}`)));
    expect(t.events.indexOf('start s1')).toBeGreaterThan(lastOther);
    expect(t.events.slice(-4)).toEqual(['start s1', 'end s1', 'start s2', 'end s2']);
    expect(t.out).toEqual(['S1', 'A', 'G', 'S2', 'B']);
  });

  it('rejects with the first failure once the jobs in flight have settled', async () => {
    let settled = 0;
    const p = runScheduled([1, 2, 3], 3, () => [], async (n) => {
      await new Promise((r) => setImmediate(r));
      settled++;
      if (n === 2) throw new Error('job 2 failed');
      return n;
    });
    await expect(p).rejects.toThrow('job 2 failed');
    expect(settled).toBe(3);
  });

  it('starts the highest priority first (longest first), ties in input order, and still returns results in input order', async () => {
    const jobs = [
      { name: 'quick', holds: [], ms: 0 },
      { name: 'long', holds: [], ms: 10_000 },
      { name: 'mid', holds: [], ms: 500 },
      { name: 'quick2', holds: [], ms: 0 },
    ];
    const started: string[] = [];
    const out = await runScheduled(jobs, 1, (j) => j.holds, async (j) => {
      started.push(j.name);
      return j.name;
    }, (j) => j.ms);
    expect(started).toEqual(['long', 'mid', 'quick', 'quick2']);
    expect(out).toEqual(['quick', 'long', 'mid', 'quick2']);
    // A whole-server holder still runs last, whatever its priority.
    const order: string[] = [];
    await runScheduled([{ n: 'a', h: [WHOLE_SERVER], p: 99 }, { n: 'b', h: [], p: 1 }], 2, (j) => j.h, async (j) => void order.push(j.n), (j) => j.p);
    expect(order).toEqual(['b', 'a']);
  });

  it('a job that idles gives its place up: another job starts beside it; coming back, it goes before jobs not yet started', async () => {
    let release!: () => void;
    const window = new Promise<void>((r) => (release = r));
    const events: string[] = [];
    let working = 0;
    let peak = 0;
    const enter = (n: string) => {
      events.push(`work ${n}`);
      peak = Math.max(peak, ++working);
    };
    const leave = () => void working--;
    const out = await runScheduled(['watcher', 'a', 'b', 'c'], 1, () => [], async (n, _i, slot) => {
      enter(n);
      if (n === 'watcher') {
        leave();
        await slot.idle(async () => {
          events.push('watching');
          // The window ends only once `a` has run in the place the watcher gave up.
          await window;
        });
        enter('watcher again');
        leave();
        return n;
      }
      if (n === 'a') release();
      // Let the watcher's return be queued before this job ends.
      for (let k = 0; k < 3; k++) await new Promise((r) => setImmediate(r));
      leave();
      return n;
    });
    expect(out).toEqual(['watcher', 'a', 'b', 'c']);
    expect(peak).toBe(1); // never more than one job working
    expect(events).toEqual(['work watcher', 'work a', 'watching', 'work watcher again', 'work b', 'work c']);
  });

  it('an idle job keeps its resources, and a whole-server job waits for idle jobs too', async () => {
    const events: string[] = [];
    let release!: () => void;
    const window = new Promise<void>((r) => (release = r));
    await runScheduled(
      [{ n: 'g1', h: ['get-stream'] }, { n: 'g2', h: ['get-stream'] }, { n: 'x', h: [] }, { n: 's', h: [WHOLE_SERVER] }],
      2,
      (j) => j.h,
      async (j, _i, slot) => {
        events.push(`start ${j.n}`);
        if (j.n === 'g1') await slot.idle(() => window);
        if (j.n === 'x') release();
        events.push(`end ${j.n}`);
      },
    );
    // g2 waited for g1 (same resource) although g1 gave its place up; s ran after everything.
    expect(events.indexOf('start g2')).toBeGreaterThan(events.indexOf('end g1'));
    expect(events.indexOf('start x')).toBeLessThan(events.indexOf('end g1'));
    expect(events.slice(-2)).toEqual(['start s', 'end s']);
  });

  it('overlapping idle calls of one job share one idle period; a failure inside idle still settles the run', async () => {
    let working = 0;
    let peak = 0;
    const out = await runScheduled([1, 2], 1, () => [], async (n, _i, slot) => {
      peak = Math.max(peak, ++working);
      working--;
      if (n === 1) await Promise.all([slot.idle(() => new Promise((r) => setImmediate(r))), slot.idle(() => Promise.resolve())]);
      peak = Math.max(peak, ++working);
      working--;
      return n;
    });
    expect(out).toEqual([1, 2]);
    expect(peak).toBe(1);
    const failing = runScheduled([1, 2, 3], 1, () => [], async (n, _i, slot) => {
      if (n === 1) await slot.idle(async () => Promise.reject(new Error('window broke')));
      return n;
    });
    await expect(failing).rejects.toThrow('window broke');
  });
});
