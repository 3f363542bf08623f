/**
 * Helpers for probes that watch a server stream (a GET SSE stream) while
 * sending other requests: open the stream, learn when its head arrived, see
 * its messages as they come, wait for a condition with a bound, stop it.
 * Also the pure JSON-RPC classifiers the stream probes judge with.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#listening-for-messages-from-the-server.
 */
import type { Exchange } from '../transport/http.js';
import { mediaType } from '../transport/http.js';
import type { HttpRequestSpec } from '../model/scenario.js';
import type { ProbeContext } from './types.js';

/** One JSON-RPC message seen on a stream, with the time it was parsed (`Date.now()` ms). */
export interface TimedMessage {
  at: number;
  message: unknown;
}

/** The response head of a stream. */
export interface StreamHead {
  status: number;
  headers: Record<string, string>;
  /** When it arrived (`Date.now()` ms). */
  at: number;
  /** Whether it is `200` with `Content-Type: text/event-stream`. */
  isSse: boolean;
}

/** How a watched stream ended. */
export interface StreamEnd {
  ex: Exchange;
  /** When the read ended (`Date.now()` ms). */
  at: number;
  /** `server`: the server ended the body; `window`: the window ran out; `stopped`: `stop()`; `error`: a transport error (see `ex.record.error`). */
  by: 'server' | 'window' | 'stopped' | 'error';
}

/** A stream being watched. */
export interface WatchedStream {
  /** Resolves with the head, or `undefined` when the exchange ended without one. */
  head: Promise<StreamHead | undefined>;
  /** Messages seen so far, in arrival order. */
  messages: TimedMessage[];
  /** Resolves when the read has ended (never rejects). */
  done: Promise<StreamEnd>;
  /** The end, once `done` has resolved. */
  ended?: StreamEnd;
  /** Ends the read now (no-op once ended). */
  stop(): void;
  /**
   * Waits until `pred(messages)` holds, the stream ends, or `ms` pass.
   * @returns whether `pred` held
   */
  waitFor(pred: (messages: TimedMessage[]) => boolean, ms: number): Promise<boolean>;
}

/** Resolves after `ms` (or at once for `ms <= 0`); see `../util/sleep.ts`. */
export { sleep } from '../util/sleep.js';

/**
 * Opens `spec` (typically `{ method: 'GET', windowMs }`) as a watched stream.
 * `spec.windowMs` bounds the whole read (the run's exchange deadline may
 * bound it further); `stop()` ends it sooner. Without a response head
 * within `headWithinMs` (default: the window) the read is stopped and
 * `head` resolves `undefined`.
 */
export function watchStream(
  ctx: ProbeContext,
  spec: HttpRequestSpec & { windowMs: number },
  opts?: { transcript?: boolean; headWithinMs?: number },
): WatchedStream {
  const stopper = new AbortController();
  const messages: TimedMessage[] = [];
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  let resolveHead!: (h: StreamHead | undefined) => void;
  const head = new Promise<StreamHead | undefined>((r) => (resolveHead = r));
  const w: WatchedStream = {
    head,
    messages,
    done: undefined as unknown as Promise<StreamEnd>,
    stop: () => stopper.abort(),
    waitFor(pred, ms) {
      if (pred(messages)) return Promise.resolve(true);
      if (w.ended) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const finish = (v: boolean) => {
          clearTimeout(t);
          listeners.delete(check);
          resolve(v);
        };
        const check = () => {
          if (pred(messages)) finish(true);
          else if (w.ended) finish(false);
        };
        const t = setTimeout(() => finish(pred(messages)), Math.max(0, ms));
        listeners.add(check);
      });
    },
  };
  const headTimer = setTimeout(() => stopper.abort(), Math.max(0, opts?.headWithinMs ?? spec.windowMs));
  w.done = ctx
    .request(spec, {
      ...(opts?.transcript === false ? { transcript: false } : {}),
      watch: {
        stop: stopper.signal,
        onHead(status, headers) {
          clearTimeout(headTimer);
          resolveHead({ status, headers, at: Date.now(), isSse: status === 200 && mediaType(headers['content-type']) === 'text/event-stream' });
        },
        onMessage(message) {
          messages.push({ at: Date.now(), message });
          notify();
        },
      },
    })
    .then((ex) => {
      const by: StreamEnd['by'] = ex.record.error ? 'error' : (ex.windowEnd ?? 'server');
      return { ex, at: Date.now(), by };
    })
    .then((end) => {
      clearTimeout(headTimer);
      w.ended = end;
      resolveHead(undefined); // no-op when the head came
      notify();
      return end;
    });
  return w;
}

/** Whether `m` is a JSON-RPC response (an object with `result` or `error`). */
export function isResponse(m: unknown): m is { id?: unknown; result?: unknown; error?: unknown } {
  return !!m && typeof m === 'object' && !Array.isArray(m) && ('result' in m || 'error' in m);
}

/** Whether `m` is a JSON-RPC notification (a `method` and no `id`). */
export function isNotification(m: unknown): m is { method: string; params?: unknown } {
  return !!m && typeof m === 'object' && !Array.isArray(m) && typeof (m as { method?: unknown }).method === 'string' && !('id' in m);
}

/** The JSON-RPC response to request `id` among an exchange's messages, if any. */
export function responseTo(ex: Exchange, id: string | number): Record<string, unknown> | undefined {
  return ex.messages.find((m) => isResponse(m) && m.id === id) as Record<string, unknown> | undefined;
}

/**
 * Notification methods a `conformance_emit_notifications` result names as
 * sent (the target contract returns a text result naming them, e.g.
 * `sent: notifications/message, notifications/tools/list_changed`).
 * @param result the tools/call `result` object
 * @returns distinct method names in order of appearance; empty when none are named
 */
export function emittedMethods(result: unknown): string[] {
  const content = (result as { content?: unknown } | undefined)?.content;
  if (!Array.isArray(content)) return [];
  const text = content
    .map((c) => (c && typeof c === 'object' && (c as { type?: unknown }).type === 'text' ? String((c as { text?: unknown }).text ?? '') : ''))
    .join('\n');
  return [...new Set(text.match(/notifications\/[A-Za-z0-9_/]+/g) ?? [])];
}

/**
 * Session-ID echoes that differ from the request's own `Mcp-Session-Id`
 * (catalog A19: an echo is not required, a changed value is suspicious).
 * Exchanges whose request carried no session ID (initialize) are skipped.
 */
export function echoMismatches(exchanges: Exchange[]): Array<{ step: string; method: string; sent: string; echoed: string }> {
  const out: Array<{ step: string; method: string; sent: string; echoed: string }> = [];
  for (const ex of exchanges) {
    const sentKey = Object.keys(ex.record.request.headers).find((k) => k.toLowerCase() === 'mcp-session-id');
    const sent = sentKey === undefined ? undefined : ex.record.request.headers[sentKey];
    const echoed = ex.record.response?.headers['mcp-session-id'];
    if (sent !== undefined && echoed !== undefined && echoed !== sent)
      out.push({ step: ex.record.step, method: ex.record.request.method, sent, echoed });
  }
  return out;
}

/** Lists tool names via `tools/list` (following `nextCursor` for at most `maxPages` pages). */
export async function listToolNames(
  ctx: ProbeContext,
  headers: Record<string, string | null>,
  maxPages = 5,
): Promise<{ names: string[]; exchanges: Exchange[] }> {
  const names: string[] = [];
  const exchanges: Exchange[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const id = `tools-list-${page + 1}`;
    const ex = await ctx.request({ headers, jsonrpc: { method: 'tools/list', id, ...(cursor ? { params: { cursor } } : {}) } });
    exchanges.push(ex);
    const res = responseTo(ex, id)?.result as { tools?: Array<{ name?: unknown }>; nextCursor?: unknown } | undefined;
    for (const t of res?.tools ?? []) if (typeof t?.name === 'string') names.push(t.name);
    cursor = typeof res?.nextCursor === 'string' && res.nextCursor !== '' ? res.nextCursor : undefined;
    if (!cursor) break;
  }
  return { names, exchanges };
}
