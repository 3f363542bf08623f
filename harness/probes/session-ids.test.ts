/** The `session-ids` probe against a fake request function: bounds, transcript, cleanup, errors. */
import { describe, it, expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sessionIdsProbe, MAX_CONCURRENCY, MAX_SESSIONS } from './session-ids.js';
import type { Exchange } from '../http.js';
import type { HttpRequestSpec } from '../scenario-types.js';

interface Sent {
  spec: HttpRequestSpec;
  transcript: boolean;
}

/** A fake target: `answer(n)` makes the n-th initialize's answer (status, session ID) or a transport error; `maxInFlight` counts initialize requests. */
function fakeTarget(answer: (n: number) => { status: number; id?: string } | 'transport-error') {
  const sent: Sent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let inits = 0;
  const request = async (spec: HttpRequestSpec, opts?: { transcript?: boolean }): Promise<Exchange> => {
    sent.push({ spec, transcript: opts?.transcript !== false });
    const init = spec.method !== 'DELETE';
    if (init) inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 0));
    if (init) inFlight--;
    const a = spec.method === 'DELETE' ? { status: 200 } : answer(inits++);
    const base = { seq: 0, step: 'open-many', startedAt: '', durationMs: 0, request: { method: spec.method ?? 'POST', url: 'http://127.0.0.1/mcp', headers: {} } };
    if (a === 'transport-error') return { record: { ...base, error: { kind: 'connection', message: 'refused' } }, messages: [], unparsedEvents: [] };
    const headers: Record<string, string> = a.id !== undefined ? { 'mcp-session-id': a.id } : {};
    return { record: { ...base, response: { status: a.status, headers, bytes: 0 } }, messages: [], unparsedEvents: [] };
  };
  return { sent, request, maxInFlight: () => maxInFlight };
}

const run = (params: Record<string, unknown>, t: ReturnType<typeof fakeTarget>) =>
  sessionIdsProbe.run({ params, protocolVersion: '2025-11-25', request: t.request });

describe('session-ids probe', () => {
  it('opens the sessions asked for, keeps two in the transcript, and DELETEs each distinct ID once', async () => {
    const t = fakeTarget(() => ({ status: 200, id: randomUUID() }));
    const { output, error } = await run({ count: 40, concurrency: 8 }, t);
    expect(error).toBeUndefined();
    const inits = t.sent.filter((s) => s.spec.method !== 'DELETE');
    const deletes = t.sent.filter((s) => s.spec.method === 'DELETE');
    expect(inits).toHaveLength(40);
    expect(inits.filter((s) => s.transcript)).toHaveLength(2);
    expect(deletes).toHaveLength(40);
    expect(deletes.every((s) => !s.transcript)).toBe(true);
    expect(t.maxInFlight()).toBeLessThanOrEqual(8);
    expect(output).toMatchObject({ requested: 40, concurrency: 8, obtained: 40, failed: 0, duplicates: 0, randomUuids: true, sampleStatus: 'enough' });
    expect(output.summary).toMatch(/^40 of 40 sessions opened \(8 at a time\); 40 distinct IDs, 0 duplicates; min-entropy estimate [\d.]+ bits/);
  });

  it('defaults to 256 sessions, 16 at a time, and caps count and concurrency', async () => {
    const t = fakeTarget(() => ({ status: 200, id: randomUUID() }));
    expect((await run({}, t)).output).toMatchObject({ requested: 256, concurrency: 16 });
    const big = fakeTarget(() => ({ status: 200, id: randomUUID() }));
    expect((await run({ count: '5000', concurrency: 500 }, big)).output).toMatchObject({ requested: MAX_SESSIONS, concurrency: MAX_CONCURRENCY });
    expect(big.maxInFlight()).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect((await run({ count: -3, concurrency: 'x' }, fakeTarget(() => ({ status: 200, id: randomUUID() })))).output).toMatchObject({ requested: 256, concurrency: 16 });
  });

  it('counts answers without a session ID as failed and deletes duplicates once', async () => {
    const t = fakeTarget((n) => (n % 2 ? { status: 429 } : { status: 200, id: 'same-session-id-0001' }));
    const { output } = await run({ count: 20 }, t);
    expect(output).toMatchObject({ obtained: 10, failed: 10, duplicates: 9, sampleStatus: 'too-few-obtained' });
    expect(t.sent.filter((s) => s.spec.method === 'DELETE')).toHaveLength(1);
    expect(output.summary).toContain('10 initialize requests gave no session ID');
  });

  it('is an error, of the kind of the first transport failure, when every request failed at the transport level', async () => {
    const { output, error } = await run({ count: 20 }, fakeTarget(() => 'transport-error'));
    expect(error?.kind).toBe('connection');
    expect(output.obtained).toBe(0);
  });
});
