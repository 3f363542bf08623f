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
 *
 * A stdio exchange (MCP basic/transports#stdio) shows what was written to the
 * server process's stdin (or the closing of stdin, or the signal sent), each
 * line read from its stdout with the time since the process started, its
 * exit, and its stderr tail:
 *
 * ```text
 * 001 TX STDIN  (tools-list-first)  t=+0.200s  process 2, pid 4401
 *     {"jsonrpc":"2.0","id":2,"method":"tools/list"}
 * 001 RX stdout  950 ms, no lines
 * 001 -- process 2 exited with code 3 at 944 ms
 * 001 !! exited: the server process exited with code 3 944 ms after it started
 * 001 -- stderr of process 2 (tail, never judged):
 *     fatal: received tools/list before initialize; exiting
 * ```
 */
import type { ExchangeRecord, SseEventRecord, StdioRecord, StdoutLine } from '../harness/model/results.js';

/** Options of {@link renderTranscript}. */
export interface TranscriptOptions {
  /** Render only the exchanges whose `seq` is listed (in transcript order); all when absent. */
  seqs?: number[];
}

/** Most characters of one body (or SSE event data) shown; the rest is replaced by a `… (N more bytes)` marker. */
export const BODY_LIMIT = 4000;
/** Most SSE events shown per response, and most stdout lines per stdio exchange; the rest are replaced by a `… (N more events|lines)` marker. */
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
 * A stdio exchange (one with `stdio`) is rendered as in the module example:
 * `NNN TX STDIN|CLOSE-STDIN|SIGNAL <sig>  (step)  t=…  process P, pid N`
 * with the line written; `NNN RX stdout  D ms, K lines` and one
 * `at <ms> ms [marks] | <text>` line per stdout line (ms since the process
 * started; marks for invalid UTF-8, CRLF, a line the harness cut); the exit
 * (`NNN -- process P exited with code C|was killed by SIG at <ms> ms`); and,
 * once per process, its stderr tail (see {@link transcriptBlocks}).
 *
 * Target text is made inert for terminals and XML: CRLF becomes LF, and
 * other control characters (C0 except TAB/LF, DEL, C1), lone surrogates and
 * U+FFFE/U+FFFF are shown as `\uXXXX` escapes. Never throws.
 */
export function renderTranscript(exchanges: ExchangeRecord[], opts: TranscriptOptions = {}): string {
  return transcriptBlocks(exchanges, opts)
    .map((b) => (b.stderr ? `${b.text}\n${b.stderr.heading}\n${indent(b.stderr.text).join('\n')}` : b.text))
    .join('\n\n');
}

/**
 * One exchange of {@link transcriptBlocks}: `text` is its block as
 * {@link renderTranscript} prints it, without the stderr tail; `stderr` is the
 * tail of the server process's stderr (stdio only), apart so that the HTML
 * report can fold it away.
 */
export interface TranscriptBlock {
  seq: number;
  /** The exchange's lines, made inert, joined by LF. */
  text: string;
  /** stdio: `heading` is the `NNN -- stderr of process P (tail, never judged):` line; `text` the tail, made inert (multi-line), its start cut to {@link BODY_LIMIT} characters. */
  stderr?: { heading: string; text: string };
}

/**
 * The blocks of {@link renderTranscript}, one per selected exchange, in
 * transcript order. A stdio process's stderr tail is attached once: to the
 * last selected exchange of that process that carries one (each exchange
 * records the tail so far, so the last one holds the most). Never throws.
 */
export function transcriptBlocks(exchanges: ExchangeRecord[], opts: TranscriptOptions = {}): TranscriptBlock[] {
  const wanted = opts.seqs ? new Set(opts.seqs) : undefined;
  const times = exchanges.map((e) => Date.parse(e.startedAt)).filter((t) => Number.isFinite(t));
  const base = times.length > 0 ? Math.min(...times) : undefined;
  const shown = exchanges.filter((e) => !wanted || wanted.has(e.seq));
  // Per process (number and pid), the last shown exchange that carries a stderr tail.
  const tailAt = new Map<string, ExchangeRecord>();
  for (const e of shown) if (e.stdio?.stderrTail) tailAt.set(`${e.stdio.process}/${e.stdio.pid}`, e);
  const withTail = new Set(tailAt.values());
  return shown.map((e) => {
    const block: TranscriptBlock = { seq: e.seq, text: renderExchange(e, base).join('\n') };
    if (e.stdio?.stderrTail && withTail.has(e)) {
      block.stderr = {
        heading: `${seqTag(e)} -- stderr of process ${e.stdio.process} (tail, never judged):`,
        text: tailBounded(e.stdio.stderrTail),
      };
    }
    return block;
  });
}

function seqTag(e: ExchangeRecord): string {
  return String(e.seq).padStart(3, '0');
}

function renderExchange(e: ExchangeRecord, base: number | undefined): string[] {
  const n = seqTag(e);
  const t = Date.parse(e.startedAt);
  const when = base !== undefined && Number.isFinite(t) ? `t=+${((t - base) / 1000).toFixed(3)}s` : 't=?';
  if (e.stdio) return renderStdioExchange(e, e.stdio, n, when);
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

/**
 * A stdio exchange: `TX STDIN` with the line written (or `TX CLOSE-STDIN`,
 * `TX SIGNAL <sig>`), `RX stdout` with each line read as
 * `at <ms> ms [marks] | <text>` (ms since the process started; marks: invalid
 * UTF-8, CRLF, cut at the size bound), the exit, the exchange error and note.
 * Each stdout line stays on one line: its control characters are escaped.
 */
function renderStdioExchange(e: ExchangeRecord, s: StdioRecord, n: string, when: string): string[] {
  const lines = [`${n} TX ${inert(e.request.method)}  (${inert(e.step)})  ${when}  process ${s.process}, pid ${s.pid}`];
  if (e.request.body !== undefined) lines.push(...indent(bounded(e.request.body)));
  const count = s.stdout.length === 0 ? 'no lines' : `${s.stdout.length} line${s.stdout.length === 1 ? '' : 's'} (times since the process started)`;
  lines.push(`${n} RX stdout  ${Math.round(e.durationMs)} ms, ${count}`);
  lines.push(...s.stdout.slice(0, EVENT_LIMIT).map(stdoutLine));
  if (s.stdout.length > EVENT_LIMIT) lines.push(`${INDENT}… (${s.stdout.length - EVENT_LIMIT} more lines)`);
  if (s.exit) {
    const how = s.exit.signal ? `was killed by ${inert(s.exit.signal)}` : s.exit.code !== null ? `exited with code ${s.exit.code}` : 'exited';
    lines.push(`${n} -- process ${s.process} ${how} at ${Math.round(s.exit.atMs)} ms`);
  }
  if (e.error) lines.push(`${n} !! ${inert(e.error.kind)}: ${inert(e.error.message)}`);
  if (e.note) lines.push(`${n} -- note: ${inert(e.note)}`);
  return lines;
}

/** One stdout line: `    at 228 ms [invalid UTF-8: …; CRLF] | text` (the marks only when set; the text after the first `|`). */
function stdoutLine(l: StdoutLine): string {
  const marks = [
    l.invalidUtf8 ? 'invalid UTF-8: bad bytes shown as U+FFFD' : undefined,
    l.crlf ? 'CRLF' : undefined,
    l.truncated ? `cut at the size bound: ${l.bytes} bytes` : undefined,
  ].filter((m): m is string => m !== undefined);
  const text = bounded(l.text, l.truncated ? l.bytes : undefined, false);
  return `${INDENT}at ${Math.round(l.atMs)} ms${marks.length ? ` [${marks.join('; ')}]` : ''} | ${text}`;
}

/** The end of a stderr tail: at most {@link BODY_LIMIT} characters (never starting inside a surrogate pair), `… ` before a cut, made inert, trailing newline dropped. */
function tailBounded(tail: string): string {
  let shown = tail.replace(/\r?\n$/, '');
  if (shown.length > BODY_LIMIT) {
    const from = shown.length - BODY_LIMIT;
    shown = '… ' + shown.slice(/[\uDC00-\uDFFF]/.test(shown.charAt(from)) ? from + 1 : from);
  }
  return inert(shown, true);
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
 * and made inert (kept on one line unless `multiline`), with a `… (N more bytes)` marker when anything is missing.
 * `totalBytes` is the size of the full original when `text` is already a cut.
 */
function bounded(text: string, totalBytes?: number, multiline = true): string {
  let shown = text;
  if (shown.length > BODY_LIMIT) {
    const cut = /[\uD800-\uDBFF]/.test(shown.charAt(BODY_LIMIT - 1)) ? BODY_LIMIT - 1 : BODY_LIMIT;
    shown = shown.slice(0, cut);
  }
  const full = Math.max(totalBytes ?? 0, Buffer.byteLength(text, 'utf8'));
  const more = full - Buffer.byteLength(shown, 'utf8');
  return inert(shown, multiline) + (more > 0 ? `… (${more} more bytes)` : '');
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
