/** The `version-matrix` probe against a fake target that speaks transport-neutral messages only (as over stdio). */
import { describe, it, expect } from 'vitest';
import { answerOf, versionMatrixProbe } from './version-matrix.js';
import type { Exchange } from '../transport/http.js';
import type { SendSpec } from '../model/scenario.js';
import type { ProbeContext } from './types.js';

/**
 * A message-only context: `answer(version)` is what an initialize at that version gets back — the
 * version answered, `{ code }` for a JSON-RPC error, `'broken'` for a transport error; `request` throws.
 * `memo` is the run-wide memo shared by the scenario runs of one run.
 */
function neutralContext(answer: (version: string) => string | { code: number } | 'broken', protocolVersion = '2025-11-25', memo = new Map<string, Promise<unknown>>()) {
  const sent: Array<{ msg: SendSpec; transcript: boolean }> = [];
  const kept: string[] = [];
  const ctx: ProbeContext = {
    params: {},
    protocolVersion,
    transport: 'stdio',
    request: () => Promise.reject(new Error('a probe that lists stdio must not send HTTP requests')),
    message: async (msg, opts): Promise<Exchange> => {
      sent.push({ msg, transcript: opts?.transcript !== false });
      const v = (msg.params as { protocolVersion: string }).protocolVersion;
      const a = answer(v);
      const record = { seq: 0, step: 'matrix', startedAt: '', durationMs: 1, request: { method: 'POST', url: 'stdio:', headers: {} } };
      if (a === 'broken') return { record: { ...record, error: { kind: 'timeout', message: 'no answer' } }, messages: [], unparsedEvents: [] };
      const reply = typeof a === 'string' ? { jsonrpc: '2.0', id: msg.id, result: { protocolVersion: a } } : { jsonrpc: '2.0', id: msg.id, error: { code: a.code, message: 'x' } };
      return { record, messages: [reply], unparsedEvents: [] };
    },
    record: (_rec, note) => kept.push(note ?? ''),
    once: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, fn());
      return memo.get(key) as Promise<T>;
    },
  };
  return { ctx, sent, kept };
}

/** A server supporting 2025-03-26 … 2025-11-25 that answers anything else with 2025-11-25. */
const modern = (v: string) => (['2025-03-26', '2025-06-18', '2025-11-25'].includes(v) ? v : '2025-11-25');

describe('version-matrix probe', () => {
  it('sends one initialize per revision and per unknown version, each outside any session, through message() only', async () => {
    const { ctx, sent, kept } = neutralContext(modern);
    expect(versionMatrixProbe.transports).toContain('stdio');
    const { output, error } = await versionMatrixProbe.run(ctx);
    expect(error).toBeUndefined();
    expect(sent.map((s) => (s.msg.params as { protocolVersion: string }).protocolVersion)).toEqual([
      '2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2099-01-01', '1999-01-01',
    ]);
    expect(sent.every((s) => s.msg.method === 'initialize' && s.msg.session === undefined && !s.transcript)).toBe(true);
    expect(sent.map((s) => s.msg.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(kept).toHaveLength(6);
    expect(output).toMatchObject({
      echoed: ['2025-03-26', '2025-06-18', '2025-11-25'],
      latest: '2025-11-25',
      badAnswers: [],
      errorAnswers: [],
      unanswered: [],
      unknownFallback: { '2099-01-01': '2025-11-25', '1999-01-01': '2025-11-25' },
      fallbackIsLatest: true,
    });
  });

  it('names wrong answers, errors and unanswered requests apart', async () => {
    const { ctx } = neutralContext((v) => (v === '2024-11-05' ? 'garbage' : v === '2025-03-26' ? { code: -32602 } : v === '1999-01-01' ? 'broken' : modern(v)));
    const { output, error } = await versionMatrixProbe.run(ctx);
    expect(error).toBeUndefined();
    expect(output).toMatchObject({ badAnswers: ['2024-11-05'], errorAnswers: ['2025-03-26'], unanswered: ['1999-01-01'], fallbackIsLatest: false });
    expect(output.matrix).toMatchObject({ '2025-03-26': 'error -32602', '1999-01-01': 'no answer (timeout)' });
  });

  it('is taken once per run and shared by the runs at other revisions', async () => {
    const memo = new Map<string, Promise<unknown>>();
    const first = neutralContext(modern, '2025-03-26', memo);
    const second = neutralContext(modern, '2025-11-25', memo);
    await versionMatrixProbe.run(first.ctx);
    await versionMatrixProbe.run(second.ctx);
    expect(first.sent).toHaveLength(6);
    expect(second.sent).toHaveLength(0);
    expect(second.kept.every((n) => n.includes('taken once, during the run at 2025-03-26'))).toBe(true);
  });

  it('is an error when no initialize was answered at all', async () => {
    const { output, error } = await versionMatrixProbe.run(neutralContext(() => 'broken').ctx);
    expect(error?.kind).toBe('timeout');
    expect(output.unanswered).toHaveLength(6);
  });

  it('words an answer without a JSON-RPC message by the transport it came over', () => {
    expect(answerOf(undefined, 400, undefined)).toBe('HTTP 400');
    expect(answerOf(undefined, undefined, undefined)).toBe('no JSON-RPC answer');
    expect(answerOf({ result: {} }, 200, undefined)).toBe('result without protocolVersion');
    expect(answerOf(undefined, undefined, 'connection')).toBe('no answer (connection)');
  });
});
