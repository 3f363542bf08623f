/**
 * Probe `session-ids`: opens many sessions concurrently and reports what the
 * issued `Mcp-Session-Id` values look like.
 *
 * Spec: MCP 2025-03-26+ basic/transports#session-management — the ID SHOULD
 * be globally unique and cryptographically secure and MUST contain only
 * visible ASCII (0x21–0x7E); 2025-06-18+ basic/security_best_practices —
 * session IDs MUST be secure and non-deterministic.
 *
 * Parameters (`with:`): `count` sessions to open (default 32, at most 1024),
 * `concurrency` in flight at once (default 16, at most 64). Sessions are
 * DELETEd afterwards (best effort, not judged).
 */
import type { Probe, ProbeOutput } from './types.js';
import { mapPool } from './pool.js';

const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

function intParam(v: unknown, dflt: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : dflt;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : dflt;
}

/** Longest run of IDs that, read as integers, each exceed the previous by exactly 1 (in issue order). */
export function longestCounterRun(ids: string[]): number {
  let best = ids.length ? 1 : 0;
  let run = 1;
  const nums = ids.map((id) => {
    const m = /(\d+)$/.exec(id);
    return m ? { prefix: id.slice(0, m.index), n: BigInt(m[1]!) } : undefined;
  });
  for (let i = 1; i < nums.length; i++) {
    const a = nums[i - 1];
    const b = nums[i];
    run = a && b && a.prefix === b.prefix && b.n - a.n === 1n ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

export const sessionIdsProbe: Probe = {
  description: 'Opens N sessions concurrently and reports the distinctness, charset and shape of their Mcp-Session-Id values',
  async run(ctx) {
    const count = intParam(ctx.params.count, 32, 1024);
    const concurrency = intParam(ctx.params.concurrency, 16, 64);
    const results = await mapPool(Array.from({ length: count }, (_, i) => i), concurrency, async (i) =>
      ctx.request(
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
      ),
    );
    const ids: string[] = [];
    let failed = 0;
    let transportErrors = 0;
    for (const r of results) {
      if (r.record.error) transportErrors++;
      const id = r.record.response?.headers['mcp-session-id'];
      if (r.record.response && r.record.response.status >= 200 && r.record.response.status < 300 && id !== undefined) ids.push(id);
      else failed++;
    }
    // Best-effort cleanup, outside the transcript and the verdicts.
    await mapPool(ids, concurrency, (id) =>
      ctx.request({ method: 'DELETE', preset: 'none', headers: { 'Mcp-Session-Id': id } }, { transcript: false }).catch(() => undefined),
    );
    const distinct = new Set(ids).size;
    const lengths = ids.map((s) => s.length);
    const output: ProbeOutput = {
      requested: count,
      concurrency,
      obtained: ids.length,
      failed,
      distinct,
      duplicates: ids.length - distinct,
      allVisibleAscii: ids.every((s) => VISIBLE_ASCII.test(s)),
      minLength: lengths.length ? Math.min(...lengths) : 0,
      maxLength: lengths.length ? Math.max(...lengths) : 0,
      longestCounterRun: longestCounterRun(ids),
      samples: ids.slice(0, 4),
      summary: '',
    };
    output.summary =
      `${ids.length} of ${count} sessions opened (${concurrency} at a time); ${distinct} distinct IDs, ` +
      `${output.duplicates} duplicates; lengths ${output.minLength}–${output.maxLength}; ` +
      `samples ${JSON.stringify(output.samples)}`;
    if (transportErrors === count) {
      return { output, error: { kind: 'timeout', message: `all ${count} initialize requests failed at the transport level` } };
    }
    return { output };
  },
};
