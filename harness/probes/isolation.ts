/**
 * Probe `session-isolation`: two sessions side by side. Session A is the
 * scenario's own; the probe opens session B (initialize +
 * notifications/initialized) as the same client (clientInfo name
 * `clientName`, which should be the one A was opened with). Then:
 *
 * 1. When `tools/list` shows the target-contract tool
 *    `conformance_emit_notifications`: opens a GET stream on A and on B,
 *    calls the tool on B with `scope: "session"`, and watches both streams —
 *    what B's call emits belongs on B's GET stream, never on A's.
 * 2. DELETEs session A and pings B: terminating one session leaves the other working.
 * 3. Compares every `Mcp-Session-Id` the server echoes on a response with the
 *    request's own session ID (catalog A19).
 * Session B is DELETEd at the end (best effort, not judged).
 *
 * Parameters: `clientName` (clientInfo name for B, default
 * `mcp-session-conformance`), `sessionA` (A's ID, reported only), `windowMs`
 * (longest a GET stream is read, default 5000, at most 10000; the probe stops
 * the streams sooner — a window that runs out first is a probe error,
 * `window-too-short`), `headWithinMs` (how long a GET's response head may
 * take, default 2000), `graceMs` (how long to wait for B's notifications after the
 * tool call was answered, default 500, at most 2000), `crossMs` (how much
 * longer A's stream is watched once B's notifications arrived, default 100,
 * at most 2000).
 *
 * Output (all keys always present):
 * - `sessionA` (the `sessionA` parameter, for the report), `sessionB`: the two session IDs;
 *   when B cannot be opened the probe reports an error
 * - `contract`: the tool is listed
 * - `streams`: `open` (both GET streams SSE and open to the end of the watch),
 *   `no-get-stream` (a GET answered 405), `not-opened` (another answer),
 *   `closed-early` (a stream ended by the server during the watch), `skipped` (no contract)
 * - `emitted`: notification methods the tool reported sending
 * - `judged`: those that are about the session alone — all but `…/list_changed`,
 *   which report server-wide state a server may announce to every session
 * - `seenOnB` / `leakedToA`: judged methods seen as notifications on B's / A's GET stream
 * - `listChangedOnA`: `…/list_changed` notifications seen on A's stream (reported, not judged)
 * - `deleteStatusA`: status of DELETE on A (null when unanswered)
 * - `pingBAnswered`: B's ping after that DELETE got 2xx with a `result`; `pingBStatus`
 * - `echoMismatchCount`, `echoMismatches`: responses echoing a session ID other than the request's
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#multiple-connections
 * (each message on only one stream, no broadcast) and #session-management.
 */
import type { Exchange } from '../transport/http.js';
import { VERSION_HEADER_SINCE } from '../model/versions.js';
import { CONTRACT_TOOL_EMIT, intParam, SUITE_CLIENT_INFO } from './params.js';
import type { Probe, ProbeOutput } from './types.js';
import {
  echoMismatches,
  emittedMethods,
  isNotification,
  listToolNames,
  responseTo,
  watchStream,
  type TimedMessage,
  type WatchedStream,
} from './stream-watch.js';

/**
 * The notification methods whose delivery to another session is a leak: all
 * but `notifications/…/list_changed`, which announce server-wide state that
 * a server may legitimately send to every session.
 */
export function sessionOnly(methods: string[]): string[] {
  return methods.filter((m) => !/\/list_changed$/.test(m));
}

/** Methods of `emitted` that appear as notifications among `messages`. */
export function methodsSeen(emitted: string[], messages: TimedMessage[] | unknown[]): string[] {
  const methods = new Set(
    messages
      .map((m) => (m && typeof m === 'object' && 'at' in m && 'message' in m ? (m as TimedMessage).message : m))
      .filter(isNotification)
      .map((n) => n.method),
  );
  return emitted.filter((m) => methods.has(m));
}

/** Classifies the two GET streams after the watch. */
export function streamsState(
  a: { status: number | null; isSse: boolean; endedBy?: string },
  b: { status: number | null; isSse: boolean; endedBy?: string },
): 'open' | 'no-get-stream' | 'not-opened' | 'closed-early' {
  if (a.status === 405 || b.status === 405) return 'no-get-stream';
  if (!a.isSse || !b.isSse) return 'not-opened';
  if ((a.endedBy && a.endedBy !== 'stopped') || (b.endedBy && b.endedBy !== 'stopped')) return 'closed-early';
  return 'open';
}

/** The `session-isolation` probe (see the module docstring for parameters and output). */
export const sessionIsolationProbe: Probe = {
  description: 'Opens a second session and checks that notifications, DELETE and echoed session IDs stay within their session',
  holds: ['get-stream'],
  // Session A's stream is watched for `crossMs` (default 100 ms) in full.
  estimateMs: 100,
  async run(ctx) {
    const windowMs = intParam(ctx.params.windowMs, 5000, 10_000);
    const headWithinMs = intParam(ctx.params.headWithinMs, 2000, 10_000);
    const graceMs = intParam(ctx.params.graceMs, 500, 2_000);
    const crossMs = intParam(ctx.params.crossMs, 100, 2_000);
    const seen: Exchange[] = [];
    const req: typeof ctx.request = async (spec, opts) => {
      const ex = await ctx.request(spec, opts);
      seen.push(ex);
      return ex;
    };
    const sub = { ...ctx, request: req };
    const output: ProbeOutput = {
      sessionA: null,
      sessionB: null,
      contract: false,
      streams: 'skipped',
      emitted: [],
      judged: [],
      seenOnB: [],
      leakedToA: [],
      listChangedOnA: [],
      deleteStatusA: null,
      pingBStatus: null,
      pingBAnswered: false,
      echoMismatchCount: 0,
      echoMismatches: [],
      summary: '',
    };

    // Session B, opened by the same client as A (the step's `clientName`).
    const clientInfo = { name: typeof ctx.params.clientName === 'string' ? ctx.params.clientName : SUITE_CLIENT_INFO.name, version: SUITE_CLIENT_INFO.version };
    const init = await req({
      preset: 'bare',
      jsonrpc: { method: 'initialize', id: 'initialize-b', params: { protocolVersion: ctx.protocolVersion, capabilities: {}, clientInfo } },
    });
    const idB = init.record.response?.headers['mcp-session-id'];
    const nvB = (responseTo(init, 'initialize-b')?.result as { protocolVersion?: unknown } | undefined)?.protocolVersion;
    const note =
      init.record.response?.status === 200 && idB && typeof nvB === 'string'
        ? await req({
            headers: { 'Mcp-Session-Id': idB, 'MCP-Protocol-Version': nvB >= VERSION_HEADER_SINCE ? nvB : null },
            jsonrpc: { method: 'notifications/initialized', notification: true },
          })
        : undefined;
    const noteStatus = note?.record.response?.status;
    if (!idB || typeof nvB !== 'string' || noteStatus === undefined || noteStatus < 200 || noteStatus >= 300) {
      const why = init.record.error
        ? init.record.error.message
        : !note
          ? `initialize answered ${init.record.response?.status}${idB ? '' : ' without Mcp-Session-Id'}`
          : `notifications/initialized answered ${noteStatus ?? note.record.error?.message}`;
      output.summary = `a second session could not be opened: ${why}`;
      return { output, error: { kind: init.record.error?.kind ?? note?.record.error?.kind ?? 'second-session-failed', message: output.summary } };
    }
    output.sessionA = typeof ctx.params.sessionA === 'string' ? ctx.params.sessionA : null;
    output.sessionB = idB;
    const headersA: Record<string, string | null> = {};
    const headersB: Record<string, string | null> = { 'Mcp-Session-Id': idB, 'MCP-Protocol-Version': nvB >= VERSION_HEADER_SINCE ? nvB : null };

    // 1. Notifications B emits for its session stay on B's GET stream.
    const { names, exchanges } = await listToolNames(ctx, headersA);
    seen.push(...exchanges);
    output.contract = names.includes(CONTRACT_TOOL_EMIT);
    if (output.contract) {
      const getA: WatchedStream = watchStream(sub, { method: 'GET', windowMs, headers: headersA }, { headWithinMs });
      const getB: WatchedStream = watchStream(sub, { method: 'GET', windowMs, headers: headersB }, { headWithinMs });
      const [headA, headB] = await Promise.all([getA.head, getB.head]);
      if (headA?.isSse && headB?.isSse && !getA.ended && !getB.ended) {
        const call = await req({
          headers: headersB,
          jsonrpc: { method: 'tools/call', id: 'emit-on-b', params: { name: CONTRACT_TOOL_EMIT, arguments: { scope: 'session' } } },
        });
        const emitted = emittedMethods(responseTo(call, 'emit-on-b')?.result);
        output.emitted = emitted;
        await getB.waitFor((ms) => methodsSeen(emitted, ms).length === emitted.length, graceMs);
        await getA.waitFor((ms) => methodsSeen(sessionOnly(emitted), ms).length > 0, crossMs);
      }
      getA.stop();
      getB.stop();
      const [endA, endB] = await Promise.all([getA.done, getB.done]);
      if (endA.by === 'window' || endB.by === 'window') {
        await ctx.request({ method: 'DELETE', headers: headersB }, { transcript: false }).catch(() => undefined);
        output.summary = `a GET window (${windowMs} ms, or the exchange deadline) ran out before the watch was done`;
        return { output, error: { kind: 'window-too-short', message: output.summary } };
      }
      output.streams = streamsState(
        { status: headA?.status ?? null, isSse: headA?.isSse ?? false, endedBy: endA.by },
        { status: headB?.status ?? null, isSse: headB?.isSse ?? false, endedBy: endB.by },
      );
      const emitted = output.emitted as string[];
      output.judged = sessionOnly(emitted);
      output.seenOnB = methodsSeen(sessionOnly(emitted), endB.ex.messages);
      output.leakedToA = methodsSeen(sessionOnly(emitted), endA.ex.messages);
      output.listChangedOnA = methodsSeen(emitted.filter((m) => !sessionOnly([m]).length), endA.ex.messages);
    }

    // 2. DELETE A; B still works.
    const del = await req({ method: 'DELETE', headers: headersA });
    output.deleteStatusA = del.record.response?.status ?? null;
    const ping = await req({ headers: headersB, jsonrpc: { method: 'ping', id: 'ping-b-after-delete-a' } });
    const broken = del.record.error ? { what: 'DELETE of A', err: del.record.error } : ping.record.error ? { what: "B's ping", err: ping.record.error } : undefined;
    if (broken) {
      await ctx.request({ method: 'DELETE', headers: headersB }, { transcript: false }).catch(() => undefined);
      output.summary = `${broken.what} failed: ${broken.err.message}`;
      return { output, error: { kind: broken.err.kind, message: output.summary } };
    }
    output.pingBStatus = ping.record.response?.status ?? null;
    const pong = responseTo(ping, 'ping-b-after-delete-a');
    output.pingBAnswered = typeof output.pingBStatus === 'number' && output.pingBStatus >= 200 && output.pingBStatus < 300 && !!pong && 'result' in pong;

    // 3. Echoed session IDs.
    const mismatches = echoMismatches(seen);
    output.echoMismatchCount = mismatches.length;
    output.echoMismatches = mismatches.slice(0, 4);

    await ctx.request({ method: 'DELETE', headers: headersB }, { transcript: false }).catch(() => undefined);

    output.summary =
      (output.contract
        ? `GET streams ${output.streams}; B's tool call reported ${JSON.stringify(output.emitted)}; B's stream carried ${JSON.stringify(output.seenOnB)}, A's stream carried ${JSON.stringify(output.leakedToA)}${(output.listChangedOnA as string[]).length ? ` (and list_changed ${JSON.stringify(output.listChangedOnA)}, not judged)` : ''}; `
        : 'contract tool not listed; ') +
      `DELETE A answered ${output.deleteStatusA ?? 'nothing'}, then B's ping answered ${output.pingBStatus ?? 'nothing'}${output.pingBAnswered ? ' with a result' : ''}; ` +
      `${mismatches.length} responses echoed a different Mcp-Session-Id${mismatches.length ? ` (e.g. sent ${mismatches[0]!.sent}, echoed ${mismatches[0]!.echoed})` : ''}; ` +
      `sessions A ${output.sessionA}, B ${idB}`;
    return { output };
  },
};
