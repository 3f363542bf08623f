/**
 * Raw Streamable HTTP exchanges through undici: the harness sends exactly the
 * method, headers and body a scenario asks for (including what a correct
 * client never sends) and reads the answer as JSON or as an SSE stream, under
 * a deadline and a size bound.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#streamable-http
 * (a POST is answered with `application/json` or `text/event-stream`).
 */
import { Agent, request, errors as undiciErrors } from './undici-core.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { ExchangeErrorKind, ExchangeRecord, SseEventRecord } from '../model/results.js';

/** Bytes of a body kept in the transcript (the whole body is still parsed, up to the size bound). */
export const TRANSCRIPT_BODY_BYTES = 64 * 1024;

/** Limits of one exchange. */
export interface ExchangeLimits {
  /** Deadline for the whole exchange, from sending to the end of reading, in ms. */
  timeoutMs: number;
  /** Largest response body read, in bytes; beyond it the exchange ends with a `size-limit` error. */
  maxResponseBytes: number;
}

/** What to send. Header names are sent with the casing given. */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * How to read the response body.
 * - `response`: read to the end, but for SSE stop at the JSON-RPC response whose id is `awaitId`.
 * - `window`: read (SSE or not) for `windowMs`, then stop; running out of time is not an error.
 */
export type ReadMode = { kind: 'response'; awaitId?: string | number | null } | { kind: 'window'; windowMs: number };

/**
 * A live view of one exchange while it runs, for probes that act while a
 * stream is open (e.g. send DELETE while watching a GET stream).
 */
export interface ExchangeWatch {
  /** Called once when the response status line and headers arrive (header names lower-cased). */
  onHead?(status: number, headers: Record<string, string>): void;
  /** Called for each JSON-RPC message of an SSE body as soon as its event is parsed. */
  onMessage?(message: unknown): void;
  /** For `window` reads: aborting it ends the read early, like the window running out (not an error). */
  stop?: AbortSignal;
}

/** A parsed exchange: the transcript record plus the JSON-RPC messages found. */
export interface Exchange {
  record: ExchangeRecord;
  /**
   * How a `window` read ended: `server` (the body ended on its own), `window`
   * (the window ran out), `stopped` (the watch's `stop` signal). Undefined for
   * `response` reads and for exchanges that ended with an error.
   */
  windowEnd?: 'server' | 'window' | 'stopped';
  /** JSON-RPC messages found in the body (JSON object, JSON array elements, or SSE `data` payloads). */
  messages: unknown[];
  /** Body parsed as JSON when it was JSON (any content type); undefined otherwise. */
  json?: unknown;
  /** SSE `data` payloads that were not valid JSON. */
  unparsedEvents: string[];
}

/** Media type of a Content-Type header value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Creates the connection pool of a run; close it with `agent.close()` when the run ends. */
export function createAgent(): Agent {
  return new Agent({ connections: 64, keepAliveTimeout: 4_000, pipelining: 1 });
}

function isResponseTo(msg: unknown, id: string | number | null | undefined): boolean {
  if (id === undefined || !msg || typeof msg !== 'object') return false;
  const m = msg as Record<string, unknown>;
  return m.id === id && ('result' in m || 'error' in m);
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function classify(err: unknown, timedOut: boolean, aborted = false): { kind: ExchangeErrorKind; message: string } {
  const e = err as { code?: string; message?: string };
  if (aborted) return { kind: 'connection', message: 'abandoned: the run was interrupted' };
  if (timedOut) return { kind: 'timeout', message: 'no complete answer before the deadline' };
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError)
    return { kind: 'timeout', message: e.message ?? 'timeout' };
  if (err instanceof undiciErrors.HTTPParserError) return { kind: 'protocol', message: e.message ?? 'bad HTTP' };
  return { kind: 'connection', message: `${e.code ? e.code + ': ' : ''}${e.message ?? String(err)}` };
}

/**
 * Sends one request and reads its answer. Never throws for target
 * misbehaviour: a deadline, an oversized body or a broken connection becomes
 * `record.error`, with whatever was read before it kept in the record.
 *
 * @param seq position of this exchange in the scenario transcript
 * @param step ID of the step sending it (for the transcript)
 * @param abort aborts the exchange at once (run interrupted); it then ends with a `connection` error
 * @param watch live callbacks and an early stop for `window` reads
 */
export async function exchange(
  agent: Agent,
  req: OutgoingRequest,
  read: ReadMode,
  limits: ExchangeLimits,
  seq: number,
  step: string,
  abort?: AbortSignal,
  watch?: ExchangeWatch,
): Promise<Exchange> {
  const started = Date.now();
  const record: ExchangeRecord = {
    seq,
    step,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    request: { method: req.method, url: req.url, headers: { ...req.headers }, ...(req.body !== undefined ? { body: req.body } : {}) },
  };
  const result: Exchange = { record, messages: [], unparsedEvents: [] };
  const controller = new AbortController();
  let timedOut = false;
  let windowEnded = false;
  const budget = read.kind === 'window' ? Math.min(read.windowMs, limits.timeoutMs) : limits.timeoutMs;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    controller.abort();
  };
  abort?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    if (read.kind === 'window') windowEnded = true;
    else timedOut = true;
    controller.abort();
  }, budget);
  let stopped = false;
  const onStop = () => {
    if (read.kind !== 'window' || windowEnded) return;
    windowEnded = stopped = true;
    controller.abort();
  };
  if (watch?.stop?.aborted) onStop();
  else watch?.stop?.addEventListener('abort', onStop, { once: true });

  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    const res = await request(req.url, {
      dispatcher: agent,
      method: req.method as 'POST',
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
    });
    const headers = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
    record.response = { status: res.statusCode, headers, bytes: 0 };
    watch?.onHead?.(res.statusCode, headers);
    const isSse = mediaType(headers['content-type']) === 'text/event-stream';
    const events: SseEventRecord[] = [];
    const decoder = new TextDecoder('utf-8');
    let done = false;
    const parser = createParser({
      onEvent(ev: EventSourceMessage) {
        const rec: SseEventRecord = { data: ev.data };
        if (ev.event) rec.event = ev.event;
        if (ev.id) rec.id = ev.id;
        events.push(rec);
        if (ev.data.trim() === '') return; // priming or keep-alive event
        try {
          const msg = JSON.parse(ev.data);
          result.messages.push(msg);
          watch?.onMessage?.(msg);
          if (read.kind === 'response' && isResponseTo(msg, read.awaitId)) done = true;
        } catch {
          result.unparsedEvents.push(ev.data);
        }
      },
      onRetry(ms: number) {
        events.push({ data: '', retry: ms });
      },
    });
    if (isSse) record.response.sse = events;
    try {
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        if (bytes > limits.maxResponseBytes) {
          record.error = {
            kind: 'size-limit',
            message: `response body exceeded the size bound of ${limits.maxResponseBytes} bytes`,
          };
          break;
        }
        chunks.push(buf);
        if (isSse) parser.feed(decoder.decode(buf, { stream: true }));
        if (done) {
          record.note = 'stopped reading the SSE stream after the JSON-RPC response arrived';
          break;
        }
      }
    } catch (err) {
      if (windowEnded) {
        record.note = stopped ? `observed the stream for ${Date.now() - started} ms, then stopped` : `observed the stream for ${budget} ms`;
        if (!stopped) record.windowExpired = true;
      }
      else record.error = classify(err, timedOut, aborted);
    } finally {
      res.body.destroy();
    }
    if (isSse && read.kind === 'response' && read.awaitId !== undefined && !done && !record.error) {
      record.note = 'the SSE stream ended without the JSON-RPC response';
    }
  } catch (err) {
    record.error = windowEnded ? undefined : classify(err, timedOut, aborted);
    if (!record.error) delete record.error;
  } finally {
    clearTimeout(timer);
    abort?.removeEventListener('abort', onAbort);
    watch?.stop?.removeEventListener('abort', onStop);
  }
  if (read.kind === 'window' && !record.error) result.windowEnd = stopped ? 'stopped' : windowEnded ? 'window' : 'server';

  const body = Buffer.concat(chunks);
  if (record.response) {
    record.response.bytes = bytes;
    if (body.length) {
      try {
        // Streaming mode: a multi-byte character cut by where reading stopped is not an error.
        new TextDecoder('utf-8', { fatal: true }).decode(body, { stream: true });
      } catch {
        record.response.invalidUtf8 = true;
      }
      const text = body.toString('utf8');
      record.response.body = body.length > TRANSCRIPT_BODY_BYTES ? body.subarray(0, TRANSCRIPT_BODY_BYTES).toString('utf8') : text;
      if (body.length > TRANSCRIPT_BODY_BYTES) record.response.bodyTruncated = true;
      if (!record.response.sse) {
        try {
          result.json = JSON.parse(text);
          if (Array.isArray(result.json)) result.messages.push(...result.json);
          else result.messages.push(result.json);
        } catch {
          /* not JSON: matchers see no message */
        }
      }
    }
  }
  record.durationMs = Date.now() - started;
  return result;
}
