/**
 * Probe `session-ids`: opens many sessions (bounded concurrency), collects
 * the issued `Mcp-Session-Id` values in the order the answers arrive, and
 * reports what they look like (see `id-analysis.ts`). Sessions are DELETEd
 * once all are open (best effort, not judged; up to 4 × `concurrency` at
 * once, at most 64). Only the first two initialize exchanges are kept in the
 * transcript; the rest are counted.
 *
 * Spec: MCP 2025-03-26+ basic/transports#session-management — the ID SHOULD
 * be globally unique and cryptographically secure and MUST contain only
 * visible ASCII (0x21–0x7E); 2025-06-18+ basic/security_best_practices —
 * session IDs MUST be secure and non-deterministic.
 *
 * Parameters (`with:`):
 * - `count`: sessions to open (default 256, at most 1024);
 * - `concurrency`: requests in flight at once (default 16, at most 64 and at most `count`);
 * - `minSamples`: fewest IDs a statistical verdict is drawn from (default 16);
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
 * Errors: `timeout` when every initialize request failed at the transport level.
 */
import type { Probe, ProbeOutput } from './types.js';
import { mapPool } from './pool.js';
import { analyseSessionIds } from './id-analysis.js';

/** Largest `count`. */
export const MAX_SESSIONS = 1024;
/** Largest `concurrency`. */
export const MAX_CONCURRENCY = 64;

function intParam(v: unknown, dflt: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : dflt;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : dflt;
}

/** The `session-ids` probe (see the module comment for parameters, output and thresholds). */
export const sessionIdsProbe: Probe = {
  description:
    'Opens N sessions (bounded concurrency) and reports the distinctness, charset, length, estimated min-entropy, ' +
    'counters, creation times and UUID versions of their Mcp-Session-Id values',
  async run(ctx) {
    const count = intParam(ctx.params.count, 256, MAX_SESSIONS);
    const concurrency = Math.min(count, intParam(ctx.params.concurrency, 16, MAX_CONCURRENCY));
    const minSamples = intParam(ctx.params.minSamples, 16, MAX_SESSIONS);
    const minLength = intParam(ctx.params.minLength, 16, 4096);
    const minEntropyBits = intParam(ctx.params.minEntropyBits, 48, 4096);
    const ids: string[] = [];
    let failed = 0;
    let transportErrors = 0;
    let firstError: { kind: string; message: string } | undefined;
    await mapPool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) => {
      const r = await ctx.request(
        {
          preset: 'bare',
          jsonrpc: {
            method: 'initialize',
            params: {
              protocolVersion: ctx.protocolVersion,
              capabilities: {},
              clientInfo: { name: 'mcp-session-conformance', version: '0.1.0' },
            },
          },
        },
        { transcript: i < 2 },
      );
      if (r.record.error) {
        transportErrors++;
        firstError ??= r.record.error;
      }
      const res = r.record.response;
      const id = res?.headers['mcp-session-id'];
      if (res && res.status >= 200 && res.status < 300 && id !== undefined) ids.push(id);
      else failed++;
    });
    // Best-effort cleanup, outside the transcript and the verdicts; DELETEs are cheap, so up to 4× as many in flight.
    await mapPool([...new Set(ids)], Math.min(MAX_CONCURRENCY, 4 * concurrency), (id) =>
      ctx.request({ method: 'DELETE', preset: 'none', headers: { 'Mcp-Session-Id': id } }, { transcript: false }).catch(() => undefined),
    );
    const a = analyseSessionIds(ids, { requested: count, minSamples, minEntropyBits, minLength, nowMs: Date.now() });
    const output: ProbeOutput = {
      requested: count,
      concurrency,
      failed,
      ...a,
      summary:
        `${ids.length} of ${count} sessions opened (${concurrency} at a time${failed ? `, ${failed} initialize requests gave no session ID` : ''}); ` +
        `${a.distinct} distinct IDs, ${a.duplicates} duplicates; ${a.description}`,
    };
    if (transportErrors === count) {
      // The kind of the first failure names the bound that was hit (timeout, size-limit, connection).
      const kind = firstError?.kind ?? 'timeout';
      return { output, error: { kind, message: `all ${count} initialize requests failed at the transport level (${kind}: ${firstError?.message ?? ''})` } };
    }
    return { output };
  },
};
