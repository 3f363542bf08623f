/**
 * Probes on the session's GET stream (the server → client SSE stream):
 *
 * - `get-stream-delete`: opens the GET stream, sends DELETE for the session
 *   while watching it, and reports whether and when the stream ended.
 * - `get-stream-requests`: opens the GET stream, sends a ping (and, when the
 *   target exposes it, the contract tool `conformance_emit_notifications`
 *   with `scope: "session"`) on POSTs while watching it, and reports which
 *   JSON-RPC responses appeared on the GET stream and whether the ping was
 *   answered on its own POST.
 *
 * Both send the GET with `Accept: text/event-stream` and the scenario's
 * session and version headers (the `session` preset).
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#listening-for-messages-from-the-server
 * (GET → `text/event-stream` or 405; no JSON-RPC response on the stream unless resuming)
 * and #session-management (DELETE terminates the session).
 */
import { mediaType, type Exchange } from '../transport/http.js';
import { CONTRACT_TOOL_EMIT, intParam } from './params.js';
import type { Probe, ProbeOutput } from './types.js';
import { emittedMethods, isNotification, isResponse, listToolNames, responseTo, sleep, watchStream, type StreamEnd } from './stream-watch.js';

/**
 * How often each of `methods` occurs as a notification among `messages`
 * (the messages of several streams together).
 * @returns count by method, every method of `methods` present
 */
export function countNotifications(methods: string[], messages: unknown[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(methods.map((m) => [m, 0]));
  for (const m of messages) if (isNotification(m) && Object.hasOwn(counts, m.method)) counts[m.method]!++;
  return counts;
}

/** What both probes report about the GET itself. */
function getFacts(head: { status: number; headers: Record<string, string>; isSse: boolean } | undefined) {
  return {
    getStatus: head?.status ?? null,
    getMediaType: head ? mediaType(head.headers['content-type']) || null : null,
    getOpened: head?.isSse ?? false,
  };
}

function describeGet(o: { getStatus: number | null; getMediaType: string | null }): string {
  return o.getStatus === null ? 'GET got no response head' : `GET answered ${o.getStatus}${o.getMediaType ? ` ${o.getMediaType}` : ''}`;
}

/**
 * `get-stream-delete`. Parameters: `windowMs` (longest the GET stream is
 * read, default 5000, at most 10000; the probe stops it sooner),
 * `headWithinMs` (how long the GET's response head may take, default 2000),
 * `endWithinMs` (how long after sending
 * DELETE the stream may take to end, default 500, at most 5000).
 *
 * Output: `getStatus`, `getMediaType`, `getOpened` (200 + SSE),
 * `endedBeforeDelete` (the server closed the stream before DELETE was sent),
 * `deleteStatus` (null when not sent or unanswered), `streamEnded` (the
 * stream ended within `endWithinMs` of sending DELETE), `endedAfterMs`
 * (from sending DELETE to the end; null when it did not end).
 */
export const getStreamDeleteProbe: Probe = {
  description: 'Opens the session GET stream, sends DELETE while watching it, and reports whether the stream ended',
  holds: ['get-stream'],
  async run(ctx) {
    const windowMs = intParam(ctx.params.windowMs, 5000, 10_000);
    const headWithinMs = intParam(ctx.params.headWithinMs, 2000, 10_000);
    const endWithinMs = intParam(ctx.params.endWithinMs, 500, 5_000);
    const get = watchStream(ctx, { method: 'GET', windowMs }, { headWithinMs });
    const head = await get.head;
    const output: ProbeOutput = {
      ...getFacts(head),
      endedBeforeDelete: false,
      deleteStatus: null,
      streamEnded: false,
      endedAfterMs: null,
      summary: '',
    };
    if (!head?.isSse) {
      get.stop();
      const end = await get.done;
      output.summary = describeGet(output as never);
      if (!head && end.by === 'error') return { output, error: { kind: end.ex.record.error!.kind, message: `GET: ${end.ex.record.error!.message}` } };
      return { output };
    }
    if (get.ended) {
      output.endedBeforeDelete = true;
      output.summary = 'the server ended the GET stream before DELETE was sent';
      return { output };
    }
    const sentAt = Date.now();
    const del = await ctx.request({ method: 'DELETE' });
    const deleteStatus = del.record.response?.status;
    output.deleteStatus = deleteStatus ?? null;
    if (del.record.error) {
      get.stop();
      await get.done;
      output.summary = `DELETE failed: ${del.record.error.message}`;
      return { output, error: { kind: del.record.error.kind, message: `DELETE: ${del.record.error.message}` } };
    }
    // Only a successful DELETE terminated the session; otherwise there is nothing to wait for.
    const accepted = deleteStatus !== undefined && deleteStatus >= 200 && deleteStatus < 300;
    const remaining = endWithinMs - (Date.now() - sentAt);
    if (accepted && !get.ended && remaining > 0) await Promise.race([get.done, sleep(remaining)]);
    const e = get.ended as StreamEnd | undefined; // set meanwhile by the stream's end
    const endedInTime = e !== undefined && (e.by === 'server' || e.by === 'error') && e.at - sentAt <= endWithinMs;
    get.stop();
    const end = await get.done;
    if (accepted && !endedInTime && end.by === 'window' && end.at - sentAt < endWithinMs) {
      // The window ran out, not the server: the observation was too short to tell.
      output.summary = `the GET window (${windowMs} ms) ran out before ${endWithinMs} ms after DELETE had passed`;
      return { output, error: { kind: 'window-too-short', message: output.summary } };
    }
    output.streamEnded = endedInTime;
    output.endedAfterMs = endedInTime ? Math.max(0, end.at - sentAt) : null;
    output.summary =
      `GET stream open; DELETE answered ${output.deleteStatus ?? 'nothing'}; ` +
      (!accepted
        ? 'not a success, so the session was not terminated'
        : endedInTime
        ? `the stream ended ${output.endedAfterMs} ms after DELETE was sent${end.by === 'error' ? ` (${end.ex.record.error?.message})` : ''}`
        : `the stream was still open ${endWithinMs} ms after DELETE was sent`);
    return { output };
  },
};

/**
 * `get-stream-requests`. Parameters: `windowMs` (longest the GET stream is
 * read, default 5000, at most 10000; the probe stops it sooner once the
 * requests are done — a window that runs out first is a probe error,
 * `window-too-short`), `headWithinMs` (how long the GET's response head may
 * take, default 2000), `graceMs` (how long to keep watching
 * after the last POST was answered, for late messages, default 150, at most
 * 2000).
 *
 * Output: `getStatus`, `getMediaType`, `getOpened`; `responsesOnGet` (count
 * of JSON-RPC responses — `result` or `error` — seen on the GET stream),
 * `responseIdsOnGet`; `pingAnsweredOnPost` (the ping's POST carried its
 * response); `contract` (the contract tool is listed), `emitted`
 * (notification methods the tool reports sending), `notificationsOnGet`
 * (methods of notifications seen on the GET stream), `emittedSeen` (emitted
 * methods seen at all, on the GET stream or the tool call's own response),
 * `emittedDuplicated` (emitted methods seen more than once across the two:
 * one message sent on several streams).
 */
export const getStreamRequestsProbe: Probe = {
  description: 'Opens the session GET stream, sends requests on POSTs while watching it, and reports responses seen on the GET stream',
  holds: ['get-stream'],
  // The grace after the answers (default 150 ms) is watched out in full.
  estimateMs: 150,
  async run(ctx) {
    const windowMs = intParam(ctx.params.windowMs, 5000, 10_000);
    const headWithinMs = intParam(ctx.params.headWithinMs, 2000, 10_000);
    const graceMs = intParam(ctx.params.graceMs, 150, 2_000);
    const get = watchStream(ctx, { method: 'GET', windowMs }, { headWithinMs });
    const head = await get.head;
    const output: ProbeOutput = {
      ...getFacts(head),
      responsesOnGet: 0,
      responseIdsOnGet: [],
      pingAnsweredOnPost: false,
      contract: false,
      emitted: [],
      notificationsOnGet: [],
      emittedSeen: [],
      emittedDuplicated: [],
      summary: '',
    };
    if (!head?.isSse) {
      get.stop();
      const end = await get.done;
      output.summary = describeGet(output as never);
      if (!head && end.by === 'error') return { output, error: { kind: end.ex.record.error!.kind, message: `GET: ${end.ex.record.error!.message}` } };
      return { output };
    }
    const ping = await ctx.request({ jsonrpc: { method: 'ping', id: 'ping-while-get-open' } });
    output.pingAnsweredOnPost = isResponse(responseTo(ping, 'ping-while-get-open'));
    const { names } = await listToolNames(ctx, {});
    output.contract = names.includes(CONTRACT_TOOL_EMIT);
    let call: Exchange | undefined;
    if (output.contract) {
      call = await ctx.request({
        jsonrpc: { method: 'tools/call', id: 'emit-session-notifications', params: { name: CONTRACT_TOOL_EMIT, arguments: { scope: 'session' } } },
      });
      const emitted = emittedMethods(responseTo(call, 'emit-session-notifications')?.result);
      output.emitted = emitted;
      // Give the session notifications time to arrive on the GET stream (bounded).
      await get.waitFor((ms) => emitted.every((m) => ms.some((x) => isNotification(x.message) && x.message.method === m)), 500);
    }
    await sleep(graceMs);
    get.stop();
    const end = await get.done;
    if (end.by === 'window') {
      output.summary = `the GET window (${windowMs} ms, or the exchange deadline) ran out before the requests were done`;
      return { output, error: { kind: 'window-too-short', message: output.summary } };
    }
    const responses = end.ex.messages.filter(isResponse);
    output.responsesOnGet = responses.length;
    output.responseIdsOnGet = responses.map((r) => r.id ?? null);
    output.notificationsOnGet = end.ex.messages.filter(isNotification).map((n) => n.method);
    const counts = countNotifications(output.emitted as string[], [...end.ex.messages, ...(call?.messages ?? [])]);
    output.emittedSeen = Object.keys(counts).filter((m) => counts[m]! > 0);
    output.emittedDuplicated = Object.keys(counts).filter((m) => counts[m]! > 1);
    output.summary =
      `GET stream open (${end.by === 'stopped' ? 'watched until the requests were done' : `ended: ${end.by}`}); ` +
      `${output.responsesOnGet} JSON-RPC responses on it${responses.length ? ` (ids ${JSON.stringify(output.responseIdsOnGet)})` : ''}; ` +
      `ping ${output.pingAnsweredOnPost ? 'answered' : 'not answered'} on its POST; ` +
      (output.contract
        ? `contract tool reported sending ${JSON.stringify(output.emitted)}, GET stream carried notifications ${JSON.stringify(output.notificationsOnGet)}` +
          `${(output.emittedDuplicated as string[]).length ? `, sent more than once across the GET stream and the tool call's stream: ${JSON.stringify(output.emittedDuplicated)}` : ''}`
        : 'contract tool not listed');
    return { output };
  },
};
