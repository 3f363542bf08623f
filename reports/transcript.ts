/**
 * Plain-text wire log of a scenario run's exchanges, as embedded in the JUnit
 * and HTML reports. Example:
 *
 * ```text
 * 000 TX POST http://127.0.0.1:3000/mcp  (initialize)  t=+0.000s
 *     Content-Type: application/json
 *     {"jsonrpc":"2.0","id":1,"method":"initialize",...}
 * 000 RX 200  12 ms, 345 bytes
 *     content-type: text/event-stream
 *     event: message  id: 1  data: {"jsonrpc":"2.0","id":1,"result":{...}}
 * 000 -- note: stream closed by server
 * ```
 */
import type { ExchangeRecord, SseEventRecord } from '../harness/model/results.js';

/** Options of {@link renderTranscript}. */
export interface TranscriptOptions {
  /** Render only the exchanges whose `seq` is listed (in transcript order); all when absent. */
  seqs?: number[];
}

/** Most characters of one body (or SSE event data) shown; the rest is replaced by a `… (N more bytes)` marker. */
export const BODY_LIMIT = 4000;
/** Most SSE events shown per response; the rest are replaced by a `… (N more events)` marker. */
export const EVENT_LIMIT = 200;

const INDENT = '    ';

/**
 * Renders exchanges as a numbered plain-text log, one block per exchange,
 * blocks separated by a blank line; `""` when nothing is selected.
 *
 * Each block: a `NNN TX METHOD URL  (step)  t=+S.SSSs` line (seconds since the
 * earliest `startedAt` of all `exchanges`, so slices keep the run's clock),
 * request headers and body indented; then `NNN RX STATUS  D ms, B bytes` with
 * response headers and either the parsed SSE events
 * (`event: x  id: y  data: ...`) or the body; `NNN !! <kind>: <message>` for
 * an exchange error; `NNN -- note: ...` for a harness note. Each body and
 * event data is cut at {@link BODY_LIMIT} characters with a
 * `… (N more bytes)` marker (N in UTF-8 bytes, including bytes the harness
 * already cut, per `bodyTruncated`/`bytes`).
 *
 * Target text is made inert for terminals and XML: CRLF becomes LF, and
 * other control characters (C0 except TAB/LF, DEL, C1), lone surrogates and
 * U+FFFE/U+FFFF are shown as `\uXXXX` escapes. Never throws.
 */
export function renderTranscript(exchanges: ExchangeRecord[], opts: TranscriptOptions = {}): string {
  const wanted = opts.seqs ? new Set(opts.seqs) : undefined;
  const times = exchanges.map((e) => Date.parse(e.startedAt)).filter((t) => Number.isFinite(t));
  const base = times.length > 0 ? Math.min(...times) : undefined;
  return exchanges
    .filter((e) => !wanted || wanted.has(e.seq))
    .map((e) => renderExchange(e, base).join('\n'))
    .join('\n\n');
}

function renderExchange(e: ExchangeRecord, base: number | undefined): string[] {
  const n = String(e.seq).padStart(3, '0');
  const t = Date.parse(e.startedAt);
  const when = base !== undefined && Number.isFinite(t) ? `t=+${((t - base) / 1000).toFixed(3)}s` : 't=?';
  const lines = [`${n} TX ${inert(e.request.method)} ${inert(e.request.url)}  (${inert(e.step)})  ${when}`];
  lines.push(...headerLines(e.request.headers));
  if (e.request.body) lines.push(...indent(bounded(e.request.body)));

  const res = e.response;
  if (res) {
    lines.push(`${n} RX ${res.status}  ${Math.round(e.durationMs)} ms, ${res.bytes} bytes`);
    lines.push(...headerLines(res.headers));
    if (res.sse && res.sse.length > 0) lines.push(...sseLines(res.sse));
    else if (res.body) lines.push(...indent(bounded(res.body, res.bodyTruncated ? res.bytes : undefined)));
    else if (res.bodyTruncated) lines.push(`${INDENT}… (${res.bytes} more bytes)`);
  }
  if (e.error) lines.push(`${n} !! ${inert(e.error.kind)}: ${inert(e.error.message)}`);
  if (e.note) lines.push(`${n} -- note: ${inert(e.note)}`);
  return lines;
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.entries(headers).map(([k, v]) => `${INDENT}${inert(k)}: ${inert(String(v))}`);
}

function sseLines(events: SseEventRecord[]): string[] {
  const lines = events.slice(0, EVENT_LIMIT).flatMap((ev) => {
    const head = [
      ev.event !== undefined ? `event: ${inert(ev.event)}` : undefined,
      ev.id !== undefined ? `id: ${inert(ev.id)}` : undefined,
      ev.retry !== undefined ? `retry: ${ev.retry}` : undefined,
    ].filter((s): s is string => s !== undefined);
    const [first = '', ...rest] = bounded(ev.data).split('\n');
    const lead = [...head, `data: ${first}`].join('  ');
    const pad = ' '.repeat(lead.length - first.length);
    return [INDENT + lead, ...rest.map((l) => INDENT + pad + l)];
  });
  if (events.length > EVENT_LIMIT) lines.push(`${INDENT}… (${events.length - EVENT_LIMIT} more events)`);
  return lines;
}

/**
 * `text` cut at {@link BODY_LIMIT} characters (never inside a surrogate pair)
 * and made inert, with a `… (N more bytes)` marker when anything is missing.
 * `totalBytes` is the size of the full original when `text` is already a cut.
 */
function bounded(text: string, totalBytes?: number): string {
  let shown = text;
  if (shown.length > BODY_LIMIT) {
    const cut = /[\uD800-\uDBFF]/.test(shown.charAt(BODY_LIMIT - 1)) ? BODY_LIMIT - 1 : BODY_LIMIT;
    shown = shown.slice(0, cut);
  }
  const full = Math.max(totalBytes ?? 0, Buffer.byteLength(text, 'utf8'));
  const more = full - Buffer.byteLength(shown, 'utf8');
  return inert(shown, true) + (more > 0 ? `… (${more} more bytes)` : '');
}

function indent(text: string): string[] {
  return text.split('\n').map((l) => INDENT + l);
}

// C0 controls except TAB and LF, DEL, C1 controls, U+FFFE/U+FFFF, and (with the u flag) lone surrogates.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]|\p{Cs}/gu;
// The same plus LF, for text that must stay on one line (so it cannot forge log lines).
const UNSAFE_LINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\uFFFE\uFFFF]|\p{Cs}/gu;

/** `s` with every unsafe character as a visible `\uXXXX` escape (TAB kept; LF kept only in multi-line text, after CRLF → LF). */
function inert(s: string, multiline = false): string {
  const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return multiline ? s.replace(/\r\n/g, '\n').replace(UNSAFE, escape) : s.replace(UNSAFE_LINE, escape);
}
