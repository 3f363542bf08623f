/**
 * Probe `event-ids`: in one session, reads three SSE streams at once — the
 * session's GET stream and the answers to two POSTed pings — and reports
 * the SSE event ids seen on them, so that a scenario can judge whether any
 * id repeats across the session's streams.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#resumability-and-redelivery —
 * event ids are optional (MAY), but when present they MUST be globally
 * unique across all streams of the session.
 *
 * Parameters: `sessionId` (required; the session to use) and
 * `protocolVersion` (the negotiated version, for the version header).
 * Output: `streams` (SSE streams read), `ids` (count), `distinct`,
 * `duplicates` (ids seen more than once), `samples`.
 */
import type { Probe, ProbeOutput } from './types.js';
import type { Exchange } from '../transport/http.js';

/** Ids that occur more than once in the list. */
export function repeatedIds(ids: string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const id of ids) (seen.has(id) ? twice : seen).add(id);
  return [...twice];
}

export const eventIdsProbe: Probe = {
  description: 'Reads the GET stream and two POST answer streams of one session at once and reports their SSE event ids',
  holds: ['get-stream'],
  // The GET stream is read for its whole 400 ms window.
  estimateMs: 400,
  async run(ctx) {
    const sessionId = String(ctx.params.sessionId ?? '');
    const version = String(ctx.params.protocolVersion ?? '');
    const headers: Record<string, string> = { 'Mcp-Session-Id': sessionId };
    if (version >= '2025-06-18') headers['MCP-Protocol-Version'] = version;
    const get = ctx.request({ method: 'GET', preset: 'bare', headers, windowMs: 400 });
    const pings = await Promise.all([
      ctx.request({ preset: 'bare', headers, jsonrpc: { method: 'ping' } }),
      ctx.request({ preset: 'bare', headers, jsonrpc: { method: 'ping' } }),
    ]);
    // The pings are answered: what is left is watching the GET stream to the end of its window.
    const exchanges: Exchange[] = [await ctx.idle(() => get), ...pings];
    const sse = exchanges.filter((ex) => ex.record.response?.sse);
    const ids = sse.flatMap((ex) => (ex.record.response!.sse ?? []).flatMap((e) => (e.id !== undefined ? [e.id] : [])));
    const duplicates = repeatedIds(ids);
    const output: ProbeOutput = {
      streams: sse.length,
      ids: ids.length,
      distinct: new Set(ids).size,
      duplicates,
      samples: ids.slice(0, 6),
      summary:
        `${sse.length} SSE streams read (GET ${exchanges[0]!.record.response?.status ?? exchanges[0]!.record.error?.kind}, two POSTed pings); ` +
        `${ids.length} event ids, ${duplicates.length ? `repeated: ${duplicates.slice(0, 4).join(', ')}` : 'none repeated'}; e.g. ${JSON.stringify(ids.slice(0, 4))}`,
    };
    const broken = exchanges.find((ex) => ex.record.error && !ex.record.windowExpired);
    if (broken && exchanges.every((ex) => ex.record.error)) return { output, error: { kind: broken.record.error!.kind, message: broken.record.error!.message } };
    return { output };
  },
};
