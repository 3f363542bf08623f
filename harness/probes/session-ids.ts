/**
 * Probe `session-ids`: opens many sessions and studies the `Mcp-Session-Id`
 * values issued, in the order the answers arrive (see `id-analysis.ts`).
 *
 * The sample is taken ONCE per run, by the first scenario run that asks for
 * it (at its revision), and shared by the runs at the other revisions, which
 * judge it by their own rules (the checks escalate to MUST from
 * 2025-06-18). Issuing session IDs does not depend on the revision.
 *
 * The probe's load adapts to what the server sustains, so that the suite's
 * own load never decides a verdict:
 * - it starts at 4 sessions in flight (or fewer when `concurrency` says so)
 *   and widens by one after a run of answers as fast as the `initialize`
 *   latency measured before the run (discovery), up to `concurrency`;
 * - it narrows (halves) on a refusal (HTTP 503 or 429), a transport error or
 *   an answer much slower than that latency, waits (25 ms doubling to 1 s),
 *   and asks again; refusals are never counted as failures;
 * - each session is ended with DELETE as soon as its ID is read, so at most
 *   `concurrency` of its sessions are live (unless the server refuses DELETE:
 *   after a DELETE that is not answered 2xx it sends no more);
 * - it stops at `count` IDs, or at the time budget once it has at least
 *   `minSamples` IDs. The minimum is always collected: only the run deadline
 *   (or interruption) stops it earlier, so load never turns a verdict into
 *   `not-applicable`.
 * Only the first two initialize exchanges are kept in the transcript (of
 * every scenario run that shares the sample); the rest are counted.
 *
 * Spec: MCP 2025-03-26+ basic/transports#session-management — the ID SHOULD
 * be globally unique and cryptographically secure and MUST contain only
 * visible ASCII (0x21–0x7E); 2025-06-18+ basic/security_best_practices —
 * session IDs MUST be secure and non-deterministic.
 *
 * Parameters (`with:`):
 * - `count`: sessions to sample (default 256, at most 1024);
 * - `concurrency`: most initialize requests in flight (default 16, at most 64 and at most `count`);
 * - `minSamples`: fewest IDs a statistical verdict is drawn from (default 16);
 * - `budgetMs`: time after which sampling stops once `minSamples` IDs are in (default 10000 ms);
 * - `minLength`: shortest acceptable ID (default 16 characters, the catalog's
 *   HTTP-SESS-003 test);
 * - `minEntropyBits`: entropy estimate below which the IDs are low-entropy
 *   (default 48).
 *
 * Why 48 bits. The estimator (per-position min-entropy, capped at log2 N per
 * position) reads uniformly random IDs low: the largest of k symbol counts
 * overshoots N/k. Measured over 200 samples of N = 256 (the default) it
 * reads a UUIDv4 (122 random bits) as 104–107 bits, 128 random bits as
 * 108–112 in hex and 100–104 in base64url, 64 random bits as 54–57 in hex
 * (16 characters) and 49–53 in base64url (11 characters, flagged as short
 * anyway), 48 random bits in hex as 40–43, and `mcp-session-` plus 4 random
 * hex digits as about 14. So at 48 every 128-bit token passes by 50 bits or
 * more (and by 12 or more in those trials at the smallest judged sample,
 * N = 16, where the cap is 4 bits per position), 16-character tokens at the common 64-bit
 * floor (OWASP, NIST SP 800-63B) pass at N = 256, and random tokens of 48
 * bits or fewer are flagged. The estimate can also read high: it cannot see
 * that a hash of a counter is deterministic, and IDs whose fields shift
 * position look more varied than they are. Small samples understate long
 * IDs: keep `--session-samples` at 256 or more.
 *
 * Errors: the kind of the first transport failure when no initialize was
 * answered at all; `server-refused` when the server kept refusing before
 * `minSamples` IDs were in for 60 s.
 */
import type { Exchange } from '../transport/http.js';
import type { ExchangeRecord } from '../model/results.js';
import type { Probe, ProbeContext, ProbeOutput } from './types.js';
import { analyseSessionIds } from '../analysis/id-analysis.js';
import { intParam, SUITE_CLIENT_INFO } from './params.js';
import { sleep } from '../util/sleep.js';

/** Largest `count`. */
export const MAX_SESSIONS = 1024;
/** Largest `concurrency`. */
export const MAX_CONCURRENCY = 64;
/** Sessions in flight at the start, before the server has shown what it sustains. */
export const START_CONCURRENCY = 4;
/** Default time budget (ms) after which sampling stops once the minimum sample is in. */
export const DEFAULT_BUDGET_MS = 10_000;
/** How long (ms) refusals may keep the minimum sample from coming in before the probe gives up with an `error`. */
export const REFUSAL_LIMIT_MS = 60_000;

/** Why sampling stopped. */
export type StopReason = 'count' | 'budget' | 'attempts' | 'no-session-ids' | 'refused' | 'interrupted' | 'transport';

/** A sample of session IDs, taken once per run. */
export interface SessionIdSample {
  ids: string[];
  /** Revision of the initialize requests (that of the scenario run that took it). */
  version: string;
  /** Initialize requests answered with something other than a 2xx carrying a session ID (refusals excluded). */
  failed: number;
  /** Initialize requests answered 503 or 429 (retried). */
  refusals: number;
  transportErrors: number;
  attempts: number;
  /** Sessions in flight at the start, at most, and at the end. */
  concurrency: { start: number; peak: number; end: number; limit: number };
  /** Median latency of the answered initialize requests, in ms. */
  medianLatencyMs: number;
  /** Sessions ended with DELETE right after their ID was read. */
  deleted: number;
  /** True when the server answered a DELETE with something other than 2xx (no more DELETEs were sent). */
  deleteDeclined: boolean;
  elapsedMs: number;
  budgetMs: number;
  stoppedBy: StopReason;
  /** Date.now() when sampling ended: the time the creation-time analysis compares with. */
  endedAtMs: number;
  firstError?: { kind: string; message: string };
  /** The first two initialize exchanges, for every sharing run's transcript. */
  records: ExchangeRecord[];
}

interface SampleParams {
  count: number;
  limit: number;
  minSamples: number;
  budgetMs: number;
}


/**
 * Takes the sample (see the module comment for the load policy).
 * @param ctx the context of the scenario run that takes it
 */
export async function takeSample(ctx: ProbeContext, p: SampleParams): Promise<SessionIdSample> {
  const started = Date.now();
  const baseline = ctx.initializeLatencyMs;
  // An answer this slow (ms) means the server is queueing: narrow.
  const slow = (ms: number) => baseline !== undefined && ms > Math.max(3 * baseline, baseline + 250);
  const ids: string[] = [];
  const latencies: number[] = [];
  const records: ExchangeRecord[] = [];
  let failed = 0;
  let refusals = 0;
  let transportErrors = 0;
  let attempts = 0;
  let deleted = 0;
  let deleteDeclined = false;
  let firstError: { kind: string; message: string } | undefined;
  let c = Math.min(START_CONCURRENCY, p.limit);
  let peak = c;
  let streak = 0;
  let backoffMs = 0;
  let holdUntil = 0;
  let inFlight = 0;
  let stoppedBy: StopReason | undefined;
  let lastProgress = started;

  const initialize = (keep: boolean): Promise<Exchange> =>
    ctx.request(
      {
        preset: 'bare',
        jsonrpc: {
          method: 'initialize',
          params: { protocolVersion: ctx.protocolVersion, capabilities: {}, clientInfo: { ...SUITE_CLIENT_INFO } },
        },
      },
      { transcript: false },
    ).then((ex) => {
      if (keep) records.push(ex.record);
      return ex;
    });

  const narrow = () => {
    c = Math.max(1, Math.floor(c / 2));
    streak = 0;
    backoffMs = Math.min(1_000, backoffMs ? backoffMs * 2 : 25);
    holdUntil = Date.now() + backoffMs;
  };

  const oneSession = async (): Promise<void> => {
    attempts++;
    const ex = await initialize(attempts <= 2);
    const res = ex.record.response;
    const id = res?.headers['mcp-session-id'];
    if (ex.record.error) {
      transportErrors++;
      firstError ??= ex.record.error;
      narrow();
      return;
    }
    if (res && (res.status === 503 || res.status === 429)) {
      refusals++;
      narrow();
      return;
    }
    if (!(res && res.status >= 200 && res.status < 300 && id !== undefined)) {
      failed++;
      return;
    }
    ids.push(id);
    lastProgress = Date.now();
    latencies.push(ex.record.durationMs);
    if (slow(ex.record.durationMs)) narrow();
    else if (++streak >= c) {
      streak = 0;
      backoffMs = 0;
      c = Math.min(p.limit, c + 1);
      peak = Math.max(peak, c);
    }
    if (!deleteDeclined) {
      // End it at once: the sample never holds more than `c` live sessions (not judged).
      const d = await ctx.request({ method: 'DELETE', preset: 'none', headers: { 'Mcp-Session-Id': id } }, { transcript: false });
      const st = d.record.response?.status ?? 0;
      if (st >= 200 && st < 300) deleted++;
      else deleteDeclined = true;
    }
  };

  const stopReason = (): StopReason | undefined => {
    if (ctx.signal?.aborted) return 'interrupted';
    if (ids.length >= p.count) return 'count';
    if (ids.length >= p.minSamples && Date.now() - started >= p.budgetMs) return 'budget';
    if (attempts - refusals - transportErrors >= 2 * p.count) return 'attempts';
    if (ids.length === 0 && failed >= p.minSamples) return 'no-session-ids';
    if (ids.length === 0 && transportErrors >= START_CONCURRENCY && transportErrors === attempts - refusals) return 'transport';
    if (ids.length < p.minSamples && Date.now() - lastProgress >= REFUSAL_LIMIT_MS) return 'refused';
    return undefined;
  };

  await new Promise<void>((resolve) => {
    const pump = () => {
      stoppedBy ??= stopReason();
      if (stoppedBy) {
        if (inFlight === 0) resolve();
        return;
      }
      const wait = holdUntil - Date.now();
      if (wait > 0) {
        if (inFlight === 0) void sleep(wait, ctx.signal).then(pump);
        return;
      }
      // Never more in flight than still needed, nor than the current width.
      while (inFlight < c && ids.length + inFlight < p.count) {
        inFlight++;
        void oneSession().finally(() => {
          inFlight--;
          pump();
        });
      }
    };
    pump();
  });

  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ids,
    version: ctx.protocolVersion,
    failed,
    refusals,
    transportErrors,
    attempts,
    concurrency: { start: Math.min(START_CONCURRENCY, p.limit), peak, end: c, limit: p.limit },
    medianLatencyMs: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0,
    deleted,
    deleteDeclined,
    elapsedMs: Date.now() - started,
    budgetMs: p.budgetMs,
    stoppedBy: stoppedBy!,
    endedAtMs: Date.now(),
    ...(firstError ? { firstError } : {}),
    records: records.slice(0, 2),
  };
}

/** How the sample was taken, in words (part of the observed text of every check that reads it). */
function describeSample(s: SessionIdSample, count: number, minSamples: number): string {
  const stop =
    s.stoppedBy === 'budget'
      ? `; stopped at the time budget of ${s.budgetMs} ms, above the minimum of ${minSamples}`
      : s.stoppedBy === 'count' || s.stoppedBy === 'no-session-ids'
        ? ''
        : `; stopped: ${s.stoppedBy}`;
  const load =
    `${s.concurrency.start} to ${s.concurrency.peak} at a time, adapted to the server (initialize took ~${s.medianLatencyMs} ms)` +
    (s.refusals ? `, ${s.refusals} refusals (503/429) waited out and retried` : '') +
    (s.transportErrors ? `, ${s.transportErrors} transport errors` : '') +
    (s.failed ? `, ${s.failed} initialize requests gave no session ID` : '');
  const ended = s.deleteDeclined ? `${s.deleted} ended with DELETE (then DELETE was declined)` : `each ended with DELETE once its ID was read`;
  return `${s.ids.length} of ${count} sessions sampled in ${s.elapsedMs} ms at ${s.version}${stop}; ${load}; ${ended}`;
}

/** The `session-ids` probe (see the module comment for parameters, output and thresholds). */
export const sessionIdsProbe: Probe = {
  // 256 sessions (initialize + DELETE) at about 2 ms each on a 2-core machine: among the longest scenarios of a default run.
  estimateMs: 500,
  description:
    'Samples Mcp-Session-Id values once per run (load adapted to the server) and reports their distinctness, charset, length, ' +
    'estimated min-entropy, counters, creation times and UUID versions',
  async run(ctx) {
    const count = intParam(ctx.params.count, 256, MAX_SESSIONS);
    const limit = Math.min(count, intParam(ctx.params.concurrency, 16, MAX_CONCURRENCY));
    const minSamples = intParam(ctx.params.minSamples, 16, MAX_SESSIONS);
    const budgetMs = intParam(ctx.params.budgetMs, DEFAULT_BUDGET_MS, 600_000);
    const minLength = intParam(ctx.params.minLength, 16, 4096);
    const minEntropyBits = intParam(ctx.params.minEntropyBits, 48, 4096);
    const key = `session-ids:${count}:${limit}:${minSamples}:${budgetMs}`;
    const s = await ctx.once(key, () => takeSample(ctx, { count, limit, minSamples, budgetMs }));
    const shared = s.version !== ctx.protocolVersion ? `session-ID sample shared by every revision of the run (taken once, at ${s.version})` : undefined;
    for (const r of s.records) ctx.record(r, shared);
    const a = analyseSessionIds(s.ids, { requested: count, minSamples, minEntropyBits, minLength, nowMs: s.endedAtMs });
    const output: ProbeOutput = {
      requested: count,
      sampledAt: s.version,
      attempts: s.attempts,
      refusals: s.refusals,
      transportErrors: s.transportErrors,
      failed: s.failed,
      concurrency: s.concurrency,
      medianLatencyMs: s.medianLatencyMs,
      elapsedMs: s.elapsedMs,
      budgetMs: s.budgetMs,
      stoppedBy: s.stoppedBy,
      deleted: s.deleted,
      ...a,
      summary: `${describeSample(s, count, minSamples)}; ${a.distinct} distinct IDs, ${a.duplicates} duplicates; ${a.description}`,
    };
    if (s.ids.length === 0 && s.transportErrors > 0 && s.transportErrors + s.refusals === s.attempts) {
      // The kind of the first failure names the bound that was hit (timeout, size-limit, connection).
      const kind = s.firstError?.kind ?? 'timeout';
      return { output, error: { kind, message: `every initialize request failed at the transport level (${kind}: ${s.firstError?.message ?? ''})` } };
    }
    if (s.stoppedBy === 'refused') return { output, error: { kind: 'server-refused', message: `the server refused new sessions for ${REFUSAL_LIMIT_MS} ms before ${minSamples} were sampled` } };
    return { output };
  },
};
