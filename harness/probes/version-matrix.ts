/**
 * Probe `version-matrix`: sends `initialize` once for each known protocol
 * revision (2026-07-28 included: a server that has no handshake at it must
 * still answer with a version it supports) and for two versions that do not
 * exist, then `server/discover` in the 2026-07-28 form, and reports what the
 * server answered to each: the server's support matrix, and which path
 * (initialize, stateless, both, none) serves each known revision.
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
 * `errorAnswers` (known versions answered with a JSON-RPC error, or 2026-07-28
 * echoed by an InitializeResult), `paths` (known revision → `initialize`,
 * `stateless`, `both` or `none`),
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
import { KNOWN_VERSIONS, STATELESS_SINCE } from '../model/versions.js';
import { SUITE_CLIENT_INFO } from './params.js';
import { subjectOf } from '../transport/subject.js';

/** Versions that do not exist, one after and one before every real revision. */
const UNKNOWN = ['2099-01-01', '1999-01-01'];

/** Revisions with the initialize handshake (2026-07-28 removed it). */
const HANDSHAKE_VERSIONS = KNOWN_VERSIONS.filter((v) => v < STATELESS_SINCE);

/** Revisions without it, asked through initialize all the same: a server must answer with a version it supports (LIFE-VER-003). */
const STATELESS_VERSIONS = KNOWN_VERSIONS.filter((v) => v >= STATELESS_SINCE);

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

/**
 * Sends the initializes one at a time, each outside any session, then
 * `server/discover` in the 2026-07-28 form (the stateless path); the
 * exchanges, in order (the discover last).
 */
async function takeMatrix(ctx: ProbeContext, asked: string[]): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  for (const [i, v] of asked.entries())
    exchanges.push(
      await ctx.message(
        { id: i + 1, method: 'initialize', form: 'session-era', params: { protocolVersion: v, capabilities: {}, clientInfo: { ...SUITE_CLIENT_INFO } } },
        { transcript: false },
      ),
    );
  exchanges.push(
    await ctx.message(
      { id: asked.length + 1, method: 'server/discover', form: 'stateless', session: 'none', meta: { protocolVersion: STATELESS_SINCE } },
      { transcript: false },
    ),
  );
  return exchanges;
}

/** Versions a `server/discover` answer lists (`supportedVersions`, or a stateless error's `data.supported`). */
function discoverVersions(subject: unknown): string[] {
  const m = subject as { result?: { supportedVersions?: unknown }; error?: { code?: unknown; data?: { supported?: unknown } } } | undefined;
  const list = m?.result ? m.result.supportedVersions : m?.error?.code === -32022 ? m.error.data?.supported : undefined;
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}

export const versionMatrixProbe: Probe = {
  description: 'Sends initialize for every known protocol revision and two unknown ones, one at a time, once per run, and reports the answers (the support matrix)',
  transports: ['streamable-http', 'stdio'],
  async run(ctx) {
    const asked = [...HANDSHAKE_VERSIONS, ...STATELESS_VERSIONS, ...UNKNOWN];
    const takenAt = ctx.protocolVersion;
    const { exchanges, version } = await ctx.once('version-matrix', async () => ({ exchanges: await takeMatrix(ctx, asked), version: takenAt }));
    const note = version !== ctx.protocolVersion ? `support matrix shared by every revision of the run (taken once, during the run at ${version})` : undefined;
    const matrix: Record<string, string> = {};
    exchanges.forEach((ex, i) => {
      // Only the response with this request's id, in a JSON or SSE answer, counts (as for any step).
      matrix[asked[i]!] = answerOf(subjectOf(ex, i + 1), ex.record.response?.status, ex.record.error?.kind);
    });
    for (const ex of exchanges) ctx.record(ex.record as ExchangeRecord, note);
    const discover = exchanges[asked.length]!;
    const stateless = discoverVersions(subjectOf(discover, asked.length + 1));
    const unanswered = asked.filter((v, i) => exchanges[i]!.record.error !== undefined);
    const echoed = HANDSHAKE_VERSIONS.filter((v) => matrix[v] === v);
    const latest = echoed.length ? [...echoed].sort().at(-1)! : undefined;
    // 2026-07-28 asked through initialize: a revision without the handshake, so an InitializeResult must name one
    // with it (the server's own, LIFE-VER-003); an InitializeResult that echoes 2026-07-28 is tolerated as a warning
    // (catalog A22: some SDKs accept it), as is an error (a modern-only server refuses initialize).
    const statelessEchoed = STATELESS_VERSIONS.filter((v) => matrix[v] === v);
    const known = [...HANDSHAKE_VERSIONS, ...STATELESS_VERSIONS];
    const badAnswers = known.filter((v) => !unanswered.includes(v) && !ANSWERABLE.has(matrix[v]!) && !matrix[v]!.startsWith('error ') && !statelessEchoed.includes(v));
    const errorAnswers = known.filter((v) => matrix[v]!.startsWith('error ') || statelessEchoed.includes(v));
    // Which path serves each known revision: initialize (echoed), the stateless path (listed by server/discover), both, or neither.
    const paths = Object.fromEntries(
      known.map((v) => {
        const viaInit = echoed.includes(v);
        const viaDiscover = stateless.includes(v);
        return [v, viaInit && viaDiscover ? 'both' : viaInit ? 'initialize' : viaDiscover ? 'stateless' : 'none'];
      }),
    );
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
      paths,
      summary:
        `support matrix (initialize requested → answered): ${asked.map((v) => `${v} → ${matrix[v]}`).join('; ')}. ` +
        `Supported (echoed): ${echoed.join(', ') || 'none'}${latest ? `; latest ${latest}` : ''}. ` +
        `Served on (initialize, stateless, both, none): ${known.map((v) => `${v} ${paths[v]}`).join('; ')} ` +
        `(server/discover: ${stateless.length ? `lists ${stateless.join(', ')}` : answerOf(subjectOf(discover, asked.length + 1), discover.record.response?.status, discover.record.error?.kind)}).`,
    };
    const first = exchanges[0]!.record.error;
    if (first && exchanges.every((ex) => ex.record.error))
      return { output, error: { kind: first.kind, message: `no initialize was answered (${first.kind}: ${first.message})` } };
    return { output };
  },
};
