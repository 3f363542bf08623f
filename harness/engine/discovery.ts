/**
 * Discovery: before any scenario runs, one `initialize` per session-era
 * revision tells which revisions the server negotiates (it echoes them), how
 * long an `initialize` takes, and the server's `serverInfo`. The run then
 * judges each revision only by the rules of a revision the server really
 * negotiates, and probes size their load from the measured latency.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/lifecycle#version-negotiation —
 * a server that supports the requested version answers with it; otherwise
 * with another version it supports. A revision answered with another
 * version is one the server does not negotiate.
 */
import type { Agent } from 'undici';
import type { EraDetection, ExchangeRecord } from '../model/results.js';
import { classifyEra, readDiscoverAnswer, statelessSupport, type DiscoverAnswer } from './era.js';
import { exchange, type Exchange, type ExchangeLimits } from '../transport/http.js';
import { subjectOf } from '../transport/subject.js';
import { buildRequest, redactExtraHeaders } from '../transport/request.js';
import { SESSION_ERA_HTTP_VERSIONS, STATELESS_SINCE } from '../model/versions.js';
import { SUITE_CLIENT_INFO } from '../probes/params.js';
import type { ScenarioTransport } from '../transport/transport.js';

/**
 * Whether the server negotiates one revision:
 * - `supported`: initialize at it was answered with it;
 * - `not-supported`: answered with another version, or with a JSON-RPC error by a server that negotiates another revision;
 * - `unknown`: no usable answer (transport error, 5xx, a 4xx without a JSON-RPC error, an unreadable body, or an
 *   error from a server that negotiates no revision at all): the revision is judged as requested.
 */
/** Broken initializes in a row after which discovery stops asking (the target is taken as not answering). */
export const BROKEN_LIMIT = 2;

/** Over Streamable HTTP: how long (ms) the first initialize may go unanswered before the second is sent beside it. */
export const OVERLAP_MS = 1_000;

export type RevisionSupportState = 'supported' | 'not-supported' | 'unknown';

/** What `initialize` at one revision was answered with. */
export interface RevisionSupport {
  /** The revision requested, e.g. `2025-11-25`. */
  requested: string;
  support: RevisionSupportState;
  /** `protocolVersion` of the InitializeResult, when there was one. */
  answered?: string;
  /** The answer in words, e.g. `protocolVersion 2025-06-18` or `HTTP 400; JSON-RPC error -32602`. */
  observed: string;
  /** Time from sending the initialize to the end of its answer, in ms (absent without an answer). */
  latencyMs?: number;
}

/** What discovery learnt about the server. */
export interface Discovery {
  /** One entry per session-era revision, newest first (the order they were asked in). */
  revisions: RevisionSupport[];
  /** Session-era revisions the server negotiates, oldest first. */
  negotiated: string[];
  /** Median `initialize` latency over the answered requests, in ms; absent when none was answered. */
  initializeLatencyMs?: number;
  /** `serverInfo` of the first InitializeResult. */
  serverInfo?: Record<string, unknown>;
  /**
   * Whether the answered initializes issued an `Mcp-Session-Id`: `issued` (every one did: GET streams are
   * per session), `none` (none did: a stateless server, whose GET stream is the server's), `unknown`.
   */
  sessionIds: 'issued' | 'none' | 'unknown';
  /** The initialize exchanges and the `server/discover` one (the DELETEs that end sessions are not kept). */
  exchanges: ExchangeRecord[];
  /** The era: `server/discover` with 2026-07-28 request metadata, and the initializes above (MCP 2026-07-28 basic/versioning, V5-BC-001). */
  era: EraDetection;
  /** Whether 2026-07-28 is served, on the stateless path (`server/discover`). */
  stateless: RevisionSupport;
}

/** Inputs of discovery. */
export interface DiscoveryOptions {
  agent: Agent;
  /** MCP endpoint URL. */
  url: string;
  limits: ExchangeLimits;
  /** Headers added to every request (`--header`). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Speak through this transport instead of Streamable HTTP to `url` (stdio:
   * each initialize goes to a process of its own); closed at the end.
   */
  transport?: ScenarioTransport;
}

function describe(status: number | undefined, subject: unknown, transport: string | undefined): string {
  if (transport) return `no answer (${transport})`;
  const m = subject as { result?: { protocolVersion?: unknown }; error?: { code?: unknown } } | undefined;
  if (m?.result) return typeof m.result.protocolVersion === 'string' ? `protocolVersion ${m.result.protocolVersion}` : 'an InitializeResult without a string protocolVersion';
  if (m?.error) return `${status === undefined ? '' : `HTTP ${status}; `}JSON-RPC error ${String(m.error.code)}`;
  return status === undefined ? 'no JSON-RPC response' : `HTTP ${status} without a JSON-RPC response`;
}

/**
 * Sends `initialize` at each session-era revision, newest first, one at a
 * time (so the latency measured is not the suite's own load), and ends each
 * session it opened with DELETE (best effort, outside any verdict). After a
 * transport error (timeout, refused connection) it stops asking: the
 * remaining revisions are `unknown`. Never throws for target misbehaviour.
 */
export async function discover(opts: DiscoveryOptions): Promise<Discovery> {
  const revisions: RevisionSupport[] = [];
  const exchanges: ExchangeRecord[] = [];
  const sessions: Array<{ id: string; version?: string }> = [];
  let serverInfo: Record<string, unknown> | undefined;
  let id = 0;
  // Discovery gives up after two broken initializes in a row: one may be a slow moment of a loaded machine (the
  // next revision is asked anyway), two say the target is not answering (the run then ends with one root cause).
  let brokenInARow = 0;
  const order = [...SESSION_ERA_HTTP_VERSIONS].reverse();
  const ask = async (requested: string): Promise<{ ex: Exchange; awaitId?: string | number | null }> => {
    const params = { protocolVersion: requested, capabilities: {}, clientInfo: { ...SUITE_CLIENT_INFO } };
    if (opts.transport) return opts.transport.message({ method: 'initialize', params }, { stepId: 'discovery', vars: {}, nextId: () => ++id });
    const req = buildRequest({ preset: 'bare', jsonrpc: { method: 'initialize', params } }, opts.url, {}, () => ++id, opts.headers);
    const ex = await exchange(opts.agent, req, { kind: 'response', awaitId: req.awaitId }, opts.limits, -1, 'discovery', opts.signal);
    redactExtraHeaders(ex.record.request.headers, opts.headers);
    return { ex, ...(req.awaitId !== undefined ? { awaitId: req.awaitId } : {}) };
  };
  const asked = new Map<string, ReturnType<typeof ask>>();
  const askOnce = (v: string) => asked.get(v) ?? asked.set(v, ask(v)).get(v)!;
  // Over Streamable HTTP, when the first initialize is still unanswered after OVERLAP_MS the second goes out beside
  // it: a target that never answers is then known after about one deadline, not two; a slow one loses nothing
  // (both answers are used, in order). Over stdio each initialize is a process of its own, asked in turn.
  if (!opts.transport && order.length >= BROKEN_LIMIT && !opts.signal?.aborted) {
    const first = askOnce(order[0]!);
    let timer: NodeJS.Timeout | undefined;
    const slow = await Promise.race([first.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), OVERLAP_MS)))]);
    clearTimeout(timer);
    if (slow) void askOnce(order[1]!);
  }
  for (const requested of order) {
    if (brokenInARow >= BROKEN_LIMIT || opts.signal?.aborted) {
      revisions.push({ requested, support: 'unknown', observed: 'not asked (the earlier initializes got no answer)' });
      continue;
    }
    const { ex, awaitId } = await askOnce(requested);
    ex.record.seq = exchanges.length;
    exchanges.push(ex.record);
    const res = ex.record.response;
    const subject = subjectOf(ex, awaitId) as { result?: { protocolVersion?: unknown; serverInfo?: unknown } } | undefined;
    const answered = typeof subject?.result?.protocolVersion === 'string' ? subject.result.protocolVersion : undefined;
    const observed = describe(res?.status, subject, ex.record.error?.kind);
    const sid = res?.headers['mcp-session-id'];
    if (sid) sessions.push({ id: sid, ...(answered ? { version: answered } : {}) });
    if (!serverInfo && subject?.result?.serverInfo && typeof subject.result.serverInfo === 'object') serverInfo = subject.result.serverInfo as Record<string, unknown>;
    if (ex.record.error) {
      brokenInARow++;
      revisions.push({ requested, support: 'unknown', observed });
      continue;
    }
    brokenInARow = 0;
    const latencyMs = ex.record.durationMs;
    // Over stdio there is no status: an answer is an answer.
    const status = res?.status ?? (ex.record.stdio ? 200 : 0);
    // A JSON-RPC error (on a 2xx or a 4xx) may be a refusal of this revision: decided below, once we know whether any revision works.
    const refused = status < 500 && subject !== undefined && 'error' in (subject as object);
    const support: RevisionSupportState =
      status >= 200 && status < 300 && answered !== undefined ? (answered === requested ? 'supported' : 'not-supported') : refused ? 'not-supported' : 'unknown';
    revisions.push({ requested, support, ...(answered ? { answered } : {}), observed, latencyMs });
  }
  // An error answer says "not this revision" only from a server that negotiates some other revision; from a
  // server that refuses every initialize (credentials missing, broken) it says nothing about revisions: unknown,
  // so the revision is judged as requested and the failing initialize shows in the verdicts.
  if (!revisions.some((r) => r.support === 'supported'))
    for (const r of revisions) if (r.support === 'not-supported' && r.answered === undefined) r.support = 'unknown';
  // End the sessions discovery opened, so they hold nothing on the server (not judged).
  for (const s of sessions) {
    const headers: Record<string, string> = { 'Mcp-Session-Id': s.id };
    if (s.version && s.version >= '2025-06-18') headers['MCP-Protocol-Version'] = s.version;
    const req = buildRequest({ method: 'DELETE', preset: 'none', headers }, opts.url, {}, () => ++id, opts.headers);
    await exchange(opts.agent, req, { kind: 'response' }, { ...opts.limits, timeoutMs: Math.min(opts.limits.timeoutMs, 2_000) }, -1, 'discovery', opts.signal);
  }
  // Era detection (V5-BC-001): server/discover in the 2026-07-28 form, outside any session (stdio: a process of its
  // own). Not asked of a target that answered no initialize at all: it would only wait out one more deadline.
  const notAnswering = brokenInARow >= BROKEN_LIMIT && revisions.every((r) => r.support === 'unknown');
  let discoverAnswer: DiscoverAnswer | undefined;
  if (!notAnswering && !opts.signal?.aborted) {
    const vars = { protocolVersion: STATELESS_SINCE };
    let ex: Exchange;
    let awaitId: string | number | null | undefined;
    if (opts.transport) {
      ({ ex, awaitId } = await opts.transport.message({ method: 'server/discover', form: 'stateless', session: 'none' }, { stepId: 'discovery', vars, nextId: () => ++id }));
      ex.record.seq = exchanges.length;
    } else {
      const req = buildRequest({ preset: 'stateless', jsonrpc: { method: 'server/discover' } }, opts.url, vars, () => ++id, opts.headers);
      awaitId = req.awaitId;
      ex = await exchange(opts.agent, req, { kind: 'response', awaitId }, opts.limits, exchanges.length, 'discovery', opts.signal);
      redactExtraHeaders(ex.record.request.headers, opts.headers);
    }
    exchanges.push(ex.record);
    discoverAnswer = readDiscoverAnswer(ex.record, subjectOf(ex, awaitId));
    if (!serverInfo && discoverAnswer.serverInfo) serverInfo = discoverAnswer.serverInfo;
  }
  await opts.transport?.close({});
  const negotiated = revisions.filter((r) => r.support === 'supported').map((r) => r.requested).sort();
  const firstError = exchanges[0]?.error;
  const era = classifyEra(
    discoverAnswer,
    negotiated,
    notAnswering ? `initialize got no answer (${firstError ? `${firstError.kind}: ${firstError.message}` : 'none'}), so server/discover was not asked` : undefined,
  );
  const answered = exchanges.filter((r) => r.response && r.response.status >= 200 && r.response.status < 300 && !r.error);
  const issued = answered.filter((r) => r.response!.headers['mcp-session-id'] !== undefined).length;
  const sessionIds = answered.length === 0 ? 'unknown' : issued === answered.length ? 'issued' : issued === 0 ? 'none' : 'unknown';
  const latencies = revisions.flatMap((r) => (r.latencyMs !== undefined ? [r.latencyMs] : [])).sort((a, b) => a - b);
  return {
    revisions,
    negotiated,
    era,
    stateless: statelessSupport(era),
    ...(latencies.length ? { initializeLatencyMs: latencies[Math.floor(latencies.length / 2)]! } : {}),
    ...(serverInfo ? { serverInfo } : {}),
    sessionIds,
    exchanges,
  };
}

/**
 * The support entry of `version`: from `initialize` for a session-era
 * revision, from `server/discover` for 2026-07-28 and later, or an `unknown`
 * one when discovery did not ask (e.g. 2024-11-05, stdio only).
 */
export function supportOf(d: Pick<Discovery, 'revisions'> & Partial<Pick<Discovery, 'era'>>, version: string): RevisionSupport {
  if (version >= STATELESS_SINCE) return d.era ? statelessSupport(d.era, version) : { requested: version, support: 'unknown', observed: 'not asked' };
  return d.revisions.find((r) => r.requested === version) ?? { requested: version, support: 'unknown', observed: 'not asked' };
}

/**
 * One sentence for a revision the server does not negotiate, used as the
 * observed text of its `not-applicable` checks and in every report.
 */
export function unsupportedSentence(r: RevisionSupport): string {
  if (r.requested >= STATELESS_SINCE) return `${r.observed}: the server does not serve ${r.requested}, so its rules do not apply`;
  return `initialize at ${r.requested} was answered with ${r.observed}: the server does not negotiate ${r.requested}, so its rules do not apply`;
}
