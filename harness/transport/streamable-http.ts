/**
 * The Streamable HTTP transport of one scenario run: builds each request
 * (presets, the run's `--header`s, the step's headers), sends it through
 * undici under the exchange's deadline and size bound, redacts `--header`
 * values in what is recorded, waits out a GET stream the server is still
 * releasing, and ends the sessions the run was issued once its verdicts are
 * decided.
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#streamable-http,
 * #session-management (DELETE ends a session), #listening-for-messages-from-the-server.
 */
import { Agent } from './undici-core.js';
import type { ExchangeRecord } from '../model/results.js';
import type { HttpRequestSpec, SendSpec } from '../model/scenario.js';
import { exchange, type Exchange, type ExchangeLimits, type ExchangeWatch, type ReadMode } from './http.js';
import { buildRequest, redactExtraHeaders } from './request.js';
import { VERSION_HEADER_SINCE } from '../model/versions.js';
import { sleep } from '../util/sleep.js';
import { isStatelessMessage } from './stateless.js';
import type { ScenarioTransport, SendContext, Sent } from './transport.js';

/** Waits (ms) before sending a GET again that got 409 while its scenario holds the GET stream (about 1.5 s in all). */
export const GET_RELEASE_BACKOFF_MS: readonly number[] = [25, 50, 100, 200, 400, 800];

/** Deadline (ms) of each DELETE that ends a scenario's leftover sessions. */
export const CLEANUP_TIMEOUT_MS = 2_000;

/**
 * The sessions one scenario run was issued (`Mcp-Session-Id` on an answer)
 * and the ones it ended or tried to end itself (a DELETE carrying the ID).
 * A DELETE answered 405 means the server lets no client end sessions.
 */
export class SessionLedger {
  private issued = new Set<string>();
  private ended = new Set<string>();
  private deleteRefused = false;
  /** Notes what one finished exchange issued or ended. */
  observe(rec: ExchangeRecord): void {
    const sent = Object.entries(rec.request.headers).find(([k]) => k.toLowerCase() === 'mcp-session-id')?.[1];
    if (rec.request.method === 'DELETE' && sent !== undefined) {
      this.ended.add(sent);
      if (rec.response?.status === 405) this.deleteRefused = true;
    }
    const got = rec.response?.headers['mcp-session-id'];
    if (got && rec.response!.status >= 200 && rec.response!.status < 300 && got !== sent) this.issued.add(got);
  }
  /** Issued sessions not yet ended, unless the server refuses DELETE. */
  unended(): string[] {
    return this.deleteRefused ? [] : [...this.issued].filter((id) => !this.ended.has(id));
  }
}

/** What the Streamable HTTP transport of a scenario run needs. */
export interface StreamableHttpOptions {
  /** The run's connection pool. */
  agent: Agent;
  /** MCP endpoint URL. */
  url: string;
  limits: ExchangeLimits;
  /** Headers added to every request (`--header`); their values are redacted in what is recorded. */
  headers?: Record<string, string>;
  /** Aborted when the run is interrupted: exchanges in flight are abandoned. */
  signal?: AbortSignal;
  /**
   * The scenario holds the GET stream (`holds: [get-stream]`): no other
   * scenario has one open, so a 409 to a GET it sends with no other GET of
   * its own open can only mean the server is still releasing a stream that
   * just closed; such a GET is sent again (bounded).
   */
  holdsGetStream: boolean;
  /** Protocol version under test: the `MCP-Protocol-Version` of the closing DELETEs when no version was negotiated. */
  protocolVersion: string;
}

/** Creates the Streamable HTTP transport of one scenario run. */
export function streamableHttpTransport(o: StreamableHttpOptions): ScenarioTransport {
  const sessions = new SessionLedger();
  let getsInFlight = 0;

  const http = async (spec: HttpRequestSpec, c: SendContext): Promise<Sent> => {
    const req = buildRequest(spec, o.url, c.vars, c.nextId, o.headers);
    const read: ReadMode = spec.windowMs !== undefined ? { kind: 'window', windowMs: spec.windowMs } : { kind: 'response', awaitId: req.awaitId };
    // `until: head`: a window read that ends once the response head is in (the step judges status and headers only).
    const watch = spec.until === 'head' && read.kind === 'window' ? untilHead(c.watch) : c.watch;
    const isGet = req.method === 'GET';
    const reopens = isGet && getsInFlight === 0 && o.holdsGetStream;
    if (isGet) getsInFlight++;
    let ex: Exchange;
    try {
      // A server that allows one GET stream may answer 409 for a moment after the previous one closed:
      // wait (bounded) until it has let the first go, so that moment never decides a verdict. A 409 that
      // will be retried is hidden from the step's watch (a probe reacting to it would stop too early).
      const delays = reopens ? [...GET_RELEASE_BACKOFF_MS] : [];
      for (;;) {
        const retryOn409 = delays.length > 0 && !o.signal?.aborted;
        // A request on a connection of its own (`connection: new`) goes through a one-off pool, closed after it.
        const own = spec.connection === 'new' ? new Agent({ connections: 1, pipelining: 1 }) : undefined;
        try {
          ex = await exchange(own ?? o.agent, req, read, o.limits, -1, c.stepId, o.signal, retryOn409 ? hiding409(watch) : watch);
        } finally {
          await own?.destroy().catch(() => undefined);
        }
        if (!retryOn409 || ex.record.response?.status !== 409) break;
        const delayMs = delays.shift()!;
        ex.record.note = `${ex.record.note ? `${ex.record.note}; ` : ''}409 while no other GET of the run was open (the server may still be releasing a stream that just closed): sent again after ${delayMs} ms (not judged)`;
        redactExtraHeaders(ex.record.request.headers, o.headers);
        c.keep?.(ex);
        await sleep(delayMs, o.signal);
      }
    } finally {
      if (isGet) getsInFlight--;
    }
    sessions.observe(ex.record);
    redactExtraHeaders(ex.record.request.headers, o.headers);
    const session = ex.record.response?.headers['mcp-session-id'];
    return { ex, ...(req.awaitId !== undefined ? { awaitId: req.awaitId } : {}), ...(session !== undefined ? { session } : {}) };
  };

  return {
    kind: 'streamable-http',
    http,
    // A message goes out as a POST with the session presets; outside a session (an initialize, by default) without them.
    message: (msg: SendSpec, c) => http(postOf(msg, c.windowMs, c.vars.protocolVersion), c),
    async close(vars) {
      if (o.signal?.aborted) return;
      const open = sessions.unended();
      if (!open.length) return;
      const nv = typeof vars.negotiatedVersion === 'string' ? vars.negotiatedVersion : o.protocolVersion;
      const headers: Record<string, string> = nv >= VERSION_HEADER_SINCE ? { 'MCP-Protocol-Version': nv } : {};
      const limits = { ...o.limits, timeoutMs: Math.min(o.limits.timeoutMs, CLEANUP_TIMEOUT_MS) };
      let id = 0;
      await Promise.all(
        open.map((sid) =>
          exchange(o.agent, buildRequest({ method: 'DELETE', preset: 'none', headers: { ...headers, 'Mcp-Session-Id': sid } }, o.url, {}, () => ++id, o.headers), { kind: 'response' }, limits, -1, 'cleanup', o.signal),
        ),
      );
    },
  };
}

/**
 * A watch that stops the window read once the response head of an SSE stream
 * has arrived (another body, which ends on its own, is read to its end for
 * the transcript; the window still bounds it), and passes everything on to `watch`.
 */
function untilHead(watch: ExchangeWatch | undefined): ExchangeWatch {
  const stop = new AbortController();
  return {
    ...watch,
    stop: watch?.stop ? AbortSignal.any([watch.stop, stop.signal]) : stop.signal,
    onHead: (status, headers) => {
      watch?.onHead?.(status, headers);
      if ((headers['content-type'] ?? '').trim().toLowerCase().startsWith('text/event-stream')) stop.abort();
    },
  };
}

/** A watch that does not see a 409 head nor what follows it (the exchange will be sent again). */
function hiding409(watch: ExchangeWatch | undefined): ExchangeWatch | undefined {
  if (!watch) return undefined;
  let hidden = false;
  return {
    ...watch,
    onHead: (status, headers) => {
      if (status === 409) hidden = true;
      else watch.onHead?.(status, headers);
    },
    onMessage: (m) => {
      if (!hidden) watch.onMessage?.(m);
    },
  };
}

/**
 * The POST that carries a transport-neutral message: the harness-built
 * JSON-RPC message, the JSON value or the raw text as its body; session
 * headers unless it goes outside any session (`SendSpec.session`); in the
 * stateless form (`SendSpec.form`, by default at 2026-07-28 and later:
 * `version`) the 2026-07-28 headers and `_meta` instead (preset `stateless`).
 */
export function postOf(msg: SendSpec, windowMs?: number, version?: unknown): HttpRequestSpec {
  const { json, raw, session, form, meta, connection, ...rpc } = msg;
  const stateless = isStatelessMessage({ ...(form ? { form } : {}) }, { protocolVersion: version });
  const outside = (session ?? (msg.method === 'initialize' ? 'none' : 'current')) === 'none';
  const body: HttpRequestSpec =
    raw !== undefined ? { body: raw } : 'json' in msg ? { json } : { jsonrpc: { ...rpc, method: rpc.method!, ...(meta !== undefined ? { meta } : {}) } };
  const preset = stateless ? ('stateless' as const) : outside ? ('bare' as const) : undefined;
  return { ...body, ...(preset ? { preset } : {}), ...(windowMs !== undefined ? { windowMs } : {}), ...(connection ? { connection } : {}) };
}
