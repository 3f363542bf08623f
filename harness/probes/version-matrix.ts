/**
 * Probe `version-matrix`: sends `initialize` once for each known protocol
 * revision and for two versions that do not exist, and reports what the
 * server answered to each: the server's support matrix.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/lifecycle#version-negotiation —
 * a supported requested version is answered with that same version; any
 * other with a version the server supports (which SHOULD be its latest).
 *
 * The matrix does not depend on the revision under test: it is taken once
 * per run, one initialize at a time (so the suite's own load does not slow
 * the answers), and shared by the scenario runs at every revision.
 *
 * Parameters: none. Output: `matrix` (requested → answered version, or
 * `error <code>`, `HTTP <status>`, or `no answer (<kind>)`), `echoed` (known
 * versions answered with themselves), `latest` (newest echoed), `badAnswers`
 * (known versions answered with something that is not a known version),
 * `errorAnswers` (known versions answered with a JSON-RPC error),
 * `unanswered` (requests that got no answer at all: a timeout or a broken
 * connection is never evidence of a wrong answer), `unknownFallback`
 * (answers to the non-existent versions), `fallbackIsLatest`.
 *
 * Transport-neutral: each initialize is a `message` outside any session
 * (Streamable HTTP: a POST without session headers; stdio: a process of its
 * own). The sessions it opens are ended with the scenario run's other
 * sessions when the run closes (Streamable HTTP: a DELETE each, best effort,
 * not judged; stdio: the processes are stopped).
 */
import type { Probe, ProbeContext, ProbeOutput } from './types.js';
import type { Exchange } from '../transport/http.js';
import type { ExchangeRecord } from '../model/results.js';
import { KNOWN_VERSIONS } from '../model/versions.js';
import { SUITE_CLIENT_INFO } from './params.js';
import { subjectOf } from '../transport/subject.js';

/** Versions that do not exist, one after and one before every real revision. */
const UNKNOWN = ['2099-01-01', '1999-01-01'];

/** Revisions with the initialize handshake (2026-07-28 removed it). */
const HANDSHAKE_VERSIONS = KNOWN_VERSIONS.filter((v) => v < '2026-07-28');

/** Versions a server may answer with: the handshake revisions and the pre-release 2024-10-07. */
const ANSWERABLE = new Set<string>([...HANDSHAKE_VERSIONS, '2024-10-07']);

/**
 * What one initialize was answered with, in words: the answered version, `error <code>`, `no answer (<kind>)`
 * for a broken exchange, else (no JSON-RPC answer) `HTTP <status>` over Streamable HTTP or `no JSON-RPC answer`.
 */
export function answerOf(subject: unknown, status: number | undefined, transport: string | undefined): string {
  const m = subject as { result?: { protocolVersion?: unknown }; error?: { code?: unknown } } | undefined;
  if (transport) return `no answer (${transport})`;
  if (m?.result) return typeof m.result.protocolVersion === 'string' ? m.result.protocolVersion : `result without protocolVersion`;
  if (m?.error) return `error ${String(m.error.code)}`;
  return status === undefined ? 'no JSON-RPC answer' : `HTTP ${status}`;
}

/** Sends the initializes one at a time, each outside any session; the exchanges, in order. */
async function takeMatrix(ctx: ProbeContext, asked: string[]): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  for (const [i, v] of asked.entries())
    exchanges.push(
      await ctx.message(
        { id: i + 1, method: 'initialize', params: { protocolVersion: v, capabilities: {}, clientInfo: { ...SUITE_CLIENT_INFO } } },
        { transcript: false },
      ),
    );
  return exchanges;
}

export const versionMatrixProbe: Probe = {
  description: 'Sends initialize for every known protocol revision and two unknown ones, one at a time, once per run, and reports the answers (the support matrix)',
  transports: ['streamable-http', 'stdio'],
  async run(ctx) {
    const asked = [...HANDSHAKE_VERSIONS, ...UNKNOWN];
    const takenAt = ctx.protocolVersion;
    const { exchanges, version } = await ctx.once('version-matrix', async () => ({ exchanges: await takeMatrix(ctx, asked), version: takenAt }));
    const note = version !== ctx.protocolVersion ? `support matrix shared by every revision of the run (taken once, during the run at ${version})` : undefined;
    const matrix: Record<string, string> = {};
    exchanges.forEach((ex, i) => {
      // Only the response with this request's id, in a JSON or SSE answer, counts (as for any step).
      matrix[asked[i]!] = answerOf(subjectOf(ex, i + 1), ex.record.response?.status, ex.record.error?.kind);
    });
    for (const ex of exchanges) ctx.record(ex.record as ExchangeRecord, note);
    const unanswered = asked.filter((v, i) => exchanges[i]!.record.error !== undefined);
    const echoed = HANDSHAKE_VERSIONS.filter((v) => matrix[v] === v);
    const latest = echoed.length ? [...echoed].sort().at(-1)! : undefined;
    const badAnswers = HANDSHAKE_VERSIONS.filter((v) => !unanswered.includes(v) && !ANSWERABLE.has(matrix[v]!) && !matrix[v]!.startsWith('error '));
    const errorAnswers = HANDSHAKE_VERSIONS.filter((v) => matrix[v]!.startsWith('error '));
    const unknownFallback = Object.fromEntries(UNKNOWN.map((v) => [v, matrix[v]!]));
    const fallbackIsLatest = latest !== undefined && UNKNOWN.every((v) => matrix[v] === latest);
    const output: ProbeOutput = {
      matrix,
      echoed,
      ...(latest ? { latest } : {}),
      badAnswers,
      errorAnswers,
      unanswered,
      unknownFallback,
      fallbackIsLatest,
      summary:
        `support matrix (requested → answered): ${asked.map((v) => `${v} → ${matrix[v]}`).join('; ')}. ` +
        `Supported (echoed): ${echoed.join(', ') || 'none'}${latest ? `; latest ${latest}` : ''}.`,
    };
    const first = exchanges[0]!.record.error;
    if (first && exchanges.every((ex) => ex.record.error))
      return { output, error: { kind: first.kind, message: `no initialize was answered (${first.kind}: ${first.message})` } };
    return { output };
  },
};
