/** The `session-ids` probe against a fake target: adaptive load, live-session bound, sharing across revisions, budget, errors. */
import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sessionIdsProbe, MAX_CONCURRENCY, MAX_SESSIONS, START_CONCURRENCY } from './session-ids.js';
import type { Exchange } from '../transport/http.js';
import type { HttpRequestSpec } from '../model/scenario.js';
import type { ExchangeRecord } from '../model/results.js';
import type { ProbeContext } from './types.js';

type Answer = { status: number; id?: string } | 'transport-error';

/**
 * A fake target. `answer(n, live)` makes the n-th initialize's answer from the number of live sessions;
 * each answer takes `delay()` macrotask turns (no timers: bounded by events). DELETE ends a live session (200)
 * unless `deleteStatus` says otherwise.
 */
function fakeTarget(answer: (n: number, live: number) => Answer, opts: { deleteStatus?: number; turns?: () => number } = {}) {
  const sent: Array<{ spec: HttpRequestSpec; transcript: boolean }> = [];
  const live = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  let maxLive = 0;
  let inits = 0;
  const request = async (spec: HttpRequestSpec, o?: { transcript?: boolean }): Promise<Exchange> => {
    sent.push({ spec, transcript: o?.transcript !== false });
    const isDelete = spec.method === 'DELETE';
    if (!isDelete) maxInFlight = Math.max(maxInFlight, ++inFlight);
    for (let i = opts.turns?.() ?? 1; i > 0; i--) await new Promise((r) => setImmediate(r));
    const base = { seq: 0, step: 'open-many', startedAt: '', durationMs: 1, request: { method: spec.method ?? 'POST', url: 'http://127.0.0.1/mcp', headers: { ...(spec.headers as Record<string, string>) } } };
    if (isDelete) {
      const id = (spec.headers as Record<string, string>)['Mcp-Session-Id']!;
      const status = opts.deleteStatus ?? 200;
      if (status === 200) live.delete(id);
      return { record: { ...base, response: { status, headers: {}, bytes: 0 } }, messages: [], unparsedEvents: [] };
    }
    inFlight--;
    const a = answer(inits++, live.size);
    if (a === 'transport-error') return { record: { ...base, error: { kind: 'connection', message: 'refused' } }, messages: [], unparsedEvents: [] };
    if (a.id !== undefined && a.status === 200) {
      live.add(a.id);
      maxLive = Math.max(maxLive, live.size);
    }
    const headers: Record<string, string> = a.id !== undefined ? { 'mcp-session-id': a.id } : {};
    return { record: { ...base, response: { status: a.status, headers, bytes: 0 } }, messages: [], unparsedEvents: [] };
  };
  return { sent, request, live, maxInFlight: () => maxInFlight, maxLive: () => maxLive };
}

/** A probe context over `t`, sharing `memo` (one run) and collecting the transcript records it is given. */
function contextFor(t: ReturnType<typeof fakeTarget>, params: Record<string, unknown>, version = '2025-11-25', memo = new Map<string, Promise<unknown>>()) {
  const kept: ExchangeRecord[] = [];
  const ctx: ProbeContext = {
    params,
    protocolVersion: version,
    initializeLatencyMs: 1,
    transport: 'streamable-http',
    message: () => Promise.reject(new Error('this probe speaks HTTP only')),
    request: t.request,
    record: (rec, note) => kept.push({ ...rec, ...(note ? { note } : {}) }),
    idle: (work) => work(),
    once: <T>(key: string, fn: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, fn());
      return memo.get(key) as Promise<T>;
    },
  };
  return { ctx, kept, memo };
}

const uuid = () => ({ status: 200, id: randomUUID() });

describe('session-ids probe', () => {
  it('samples the sessions asked for, ends each with DELETE at once, keeps two initialize exchanges in the transcript', async () => {
    const t = fakeTarget(uuid);
    const { ctx, kept } = contextFor(t, { count: 40, concurrency: 8 });
    const { output, error } = await sessionIdsProbe.run(ctx);
    expect(error).toBeUndefined();
    const inits = t.sent.filter((s) => s.spec.method !== 'DELETE');
    const deletes = t.sent.filter((s) => s.spec.method === 'DELETE');
    expect(inits).toHaveLength(40);
    expect(deletes).toHaveLength(40);
    expect(t.sent.every((s) => !s.transcript)).toBe(true);
    expect(kept).toHaveLength(2);
    expect(t.live.size).toBe(0);
    expect(t.maxInFlight()).toBeLessThanOrEqual(8);
    expect(t.maxLive()).toBeLessThanOrEqual(8);
    expect(output).toMatchObject({ requested: 40, obtained: 40, failed: 0, refusals: 0, duplicates: 0, deleted: 40, randomUuids: true, sampleStatus: 'enough', stoppedBy: 'count' });
    expect(output.concurrency).toMatchObject({ start: START_CONCURRENCY, limit: 8 });
    expect(output.summary).toMatch(/^40 of 40 sessions sampled in \d+ ms at 2025-11-25; 4 to \d+ at a time, adapted to the server \(initialize took ~\d+ ms\); each ended with DELETE once its ID was read; 40 distinct IDs, 0 duplicates; min-entropy estimate/);
  });

  it('widens from the start width while answers stay fast, never beyond the limit; defaults and caps the parameters', async () => {
    const t = fakeTarget(uuid);
    const { output } = await sessionIdsProbe.run(contextFor(t, {}).ctx);
    expect(output).toMatchObject({ requested: 256, obtained: 256 });
    expect((output.concurrency as { peak: number }).peak).toBeGreaterThan(START_CONCURRENCY);
    expect(t.maxInFlight()).toBeLessThanOrEqual(16);
    const big = fakeTarget(uuid);
    const r = await sessionIdsProbe.run(contextFor(big, { count: '5000', concurrency: 500 }).ctx);
    expect(r.output).toMatchObject({ requested: MAX_SESSIONS, concurrency: { limit: MAX_CONCURRENCY } });
    expect(big.maxInFlight()).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect((await sessionIdsProbe.run(contextFor(fakeTarget(uuid), { count: -3, concurrency: 'x' }).ctx)).output).toMatchObject({ requested: 256, concurrency: { limit: 16 } });
  });

  it('is taken once per run: another revision shares the sample and says so in its transcript', async () => {
    const t = fakeTarget(uuid);
    const first = contextFor(t, { count: 20 }, '2025-03-26');
    const second = contextFor(t, { count: 20 }, '2025-11-25', first.memo);
    const [a, b] = await Promise.all([sessionIdsProbe.run(first.ctx), sessionIdsProbe.run(second.ctx)]);
    expect(t.sent.filter((s) => s.spec.method !== 'DELETE')).toHaveLength(20);
    expect(b.output.samples).toEqual(a.output.samples);
    expect(b.output.sampledAt).toBe('2025-03-26');
    expect(second.kept).toHaveLength(2);
    expect(second.kept[0]!.note).toMatch(/shared by every revision of the run \(taken once, at 2025-03-26\)/);
    expect(first.kept[0]!.note).toBeUndefined();
  });

  it('waits out refusals (503 beyond a live-session cap) without counting them as failures, and collects the full sample', async () => {
    const t = fakeTarget((_n, live) => (live >= 3 ? { status: 503 } : uuid()), { turns: () => 2 });
    const { output, error } = await sessionIdsProbe.run(contextFor(t, { count: 64, concurrency: 16 }).ctx);
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ obtained: 64, failed: 0, duplicates: 0, sampleStatus: 'enough' });
    expect(t.maxLive()).toBeLessThanOrEqual(3);
  });

  it('stops at the time budget only once the minimum sample is in', async () => {
    // Each answer takes many event-loop turns; a 1 ms budget is over long before 64 sessions.
    const t = fakeTarget(uuid, { turns: () => 50 });
    const { output } = await sessionIdsProbe.run(contextFor(t, { count: 64, minSamples: 16, budgetMs: 1 }).ctx);
    expect(output.stoppedBy).toBe('budget');
    expect(output.obtained as number).toBeGreaterThanOrEqual(16);
    expect(output.obtained as number).toBeLessThan(64);
    expect(output.sampleStatus).toBe('enough');
    expect(output.summary).toContain('stopped at the time budget of 1 ms, above the minimum of 16');
  });

  it('stops deleting after a DELETE is declined, and counts answers without a session ID as failed', async () => {
    const t = fakeTarget((n) => (n % 2 ? { status: 400 } : { status: 200, id: 'same-session-id-0001' }), { deleteStatus: 405 });
    const { output } = await sessionIdsProbe.run(contextFor(t, { count: 20 }).ctx);
    expect(output).toMatchObject({ obtained: 20, duplicates: 19, deleted: 0 });
    expect(output.failed).toBe((output.attempts as number) - 20);
    expect(output.failed as number).toBeGreaterThan(0);
    // Only the DELETEs already in flight when the first was declined.
    expect(t.sent.filter((s) => s.spec.method === 'DELETE').length).toBeLessThanOrEqual(START_CONCURRENCY);
    expect(output.summary).toContain(`${output.failed} initialize requests gave no session ID`);
  });

  it('is an error, of the kind of the first transport failure, when no initialize was answered', async () => {
    const { output, error } = await sessionIdsProbe.run(contextFor(fakeTarget(() => 'transport-error'), { count: 20 }).ctx);
    expect(error?.kind).toBe('connection');
    expect(output.obtained).toBe(0);
    expect(output.attempts as number).toBeLessThan(20);
  });
});
