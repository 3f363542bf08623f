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
      // server/discover is answered as the version 'server/discover' says: a version list (comma-separated) or an error.
      const v = msg.method === 'server/discover' ? 'server/discover' : (msg.params as { protocolVersion: string }).protocolVersion;
      const a = answer(v);
      const record = { seq: 0, step: 'matrix', startedAt: '', durationMs: 1, request: { method: 'POST', url: 'stdio:', headers: {} } };
      if (a === 'broken') return { record: { ...record, error: { kind: 'timeout', message: 'no answer' } }, messages: [], unparsedEvents: [] };
      const result = msg.method === 'server/discover' ? { supportedVersions: typeof a === 'string' ? a.split(',') : [] } : { protocolVersion: a };
      const reply = typeof a === 'string' ? { jsonrpc: '2.0', id: msg.id, result } : { jsonrpc: '2.0', id: msg.id, error: { code: a.code, message: 'x' } };
      return { record, messages: [reply], unparsedEvents: [] };
    },
    record: (_rec, note) => kept.push(note ?? ''),
    idle: (work) => work(),
    once: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, fn());
      return memo.get(key) as Promise<T>;
    },
  };
  return { ctx, sent, kept };
}

/** A session-era server supporting 2025-03-26 … 2025-11-25 that answers anything else with 2025-11-25, and server/discover with -32601. */
const modern = (v: string) => (v === 'server/discover' ? { code: -32601 } : ['2025-03-26', '2025-06-18', '2025-11-25'].includes(v) ? v : '2025-11-25');

describe('version-matrix probe', () => {
  it('sends one initialize per revision and per unknown version, each outside any session, through message() only', async () => {
    const { ctx, sent, kept } = neutralContext(modern);
    expect(versionMatrixProbe.transports).toContain('stdio');
    const { output, error } = await versionMatrixProbe.run(ctx);
    expect(error).toBeUndefined();
    const inits = sent.filter((s) => s.msg.method === 'initialize');
    expect(inits.map((s) => (s.msg.params as { protocolVersion: string }).protocolVersion)).toEqual([
      '2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28', '2099-01-01', '1999-01-01',
    ]);
    expect(inits.every((s) => s.msg.session === undefined && s.msg.form === 'session-era' && !s.transcript)).toBe(true);
    // Then the stateless path: server/discover in the 2026-07-28 form, outside any session.
    expect(sent.at(-1)?.msg).toMatchObject({ method: 'server/discover', form: 'stateless', session: 'none', meta: { protocolVersion: '2026-07-28' } });
    expect(sent.map((s) => s.msg.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(kept).toHaveLength(8);
    expect(output).toMatchObject({
      echoed: ['2025-03-26', '2025-06-18', '2025-11-25'],
      latest: '2025-11-25',
      badAnswers: [],
      errorAnswers: [],
      unanswered: [],
      unknownFallback: { '2099-01-01': '2025-11-25', '1999-01-01': '2025-11-25' },
      fallbackIsLatest: true,
      paths: { '2024-11-05': 'none', '2025-03-26': 'initialize', '2025-11-25': 'initialize', '2026-07-28': 'none' },
    });
  });

  it('shows which path serves each revision, and tolerates 2026-07-28 echoed by an InitializeResult as a warning (catalog A22)', async () => {
    const dual = (v: string) => (v === 'server/discover' ? '2026-07-28' : v === '2026-07-28' ? '2026-07-28' : modern(v));
    const { output } = await versionMatrixProbe.run(neutralContext(dual).ctx);
    expect(output).toMatchObject({ badAnswers: [], errorAnswers: ['2026-07-28'], paths: { '2025-11-25': 'initialize', '2026-07-28': 'stateless' } });
    expect(output.summary).toContain('2026-07-28 stateless');
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
    expect(first.sent).toHaveLength(8);
    expect(second.sent).toHaveLength(0);
    expect(second.kept.every((n) => n.includes('taken once, during the run at 2025-03-26'))).toBe(true);
  });

  it('is an error when no initialize was answered at all', async () => {
    const { output, error } = await versionMatrixProbe.run(neutralContext(() => 'broken').ctx);
    expect(error?.kind).toBe('timeout');
    expect(output.unanswered).toHaveLength(7);
  });

  it('words an answer without a JSON-RPC message by the transport it came over', () => {
    expect(answerOf(undefined, 400, undefined)).toBe('HTTP 400');
    expect(answerOf(undefined, undefined, undefined)).toBe('no JSON-RPC answer');
    expect(answerOf({ result: {} }, 200, undefined)).toBe('result without protocolVersion');
    expect(answerOf(undefined, undefined, 'connection')).toBe('no answer (connection)');
  });
});
