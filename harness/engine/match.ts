/**
 * Matchers: conditions over one step's observation, and the words that
 * explain them in reports ("expected" from the matcher, "observed" from what
 * came back).
 */
import type { ExchangeRecord, StdoutFault } from '../model/results.js';
import type { Matcher, StatusMatch, ValueMatch } from '../model/scenario.js';
import { mediaType } from '../transport/http.js';
import type { StrayResponse } from '../transport/subject.js';
import { messageSchemaProblem, satisfiesMessageSchema } from '../model/message-schemas.js';

/** What a matcher looks at. */
export interface Observation {
  /** The HTTP exchange, for `http` steps. */
  record?: ExchangeRecord;
  /** The JSON-RPC response to the step's request, else the parsed JSON body, else a probe's output. */
  subject?: unknown;
  /** Captured variables, for `captured` matchers. */
  captures: Record<string, unknown>;
  /** Every JSON-RPC message of the exchange (responses, requests, notifications), for `anyMessage`. */
  messages?: unknown[];
  /** The session identity the transport was issued with this answer (Streamable HTTP: `Mcp-Session-Id`), for `capture: { session: true }`. */
  session?: string;
  /** A response in the answer whose id matches no request in flight, when the request's own answer is missing (BASE-004). */
  stray?: StrayResponse;
}

/**
 * Words for a response whose id matches no request in flight, naming both
 * ids and the rule it breaks (catalog BASE-004, basic/index#responses).
 */
export function describeStray(s: StrayResponse): string {
  return `the response's id ${short(s.got)} matches no request in flight (the request's id is ${short(s.awaitId)}): BASE-004, a response carries the id of the request it answers`;
}

/** Resolves an RFC 6901 JSON pointer; `undefined` when the path does not exist. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return pointer === '' ? doc : (doc as Record<string, unknown>)?.[''];
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return cur;
}

function statusOk(status: number, m: StatusMatch): boolean {
  const list = Array.isArray(m) ? m : [m];
  return list.some((x) => (typeof x === 'number' ? status === x : /xx$/.test(x) ? String(status)[0] === x[0] : status === Number(x)));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Structural equality of JSON values (object key order does not matter). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const ob = b as Record<string, unknown>;
  return ka.length === Object.keys(ob).length && ka.every((k) => Object.hasOwn(ob, k) && deepEqual((a as Record<string, unknown>)[k], ob[k]));
}

/** Tests one value against a ValueMatch (`undefined` means absent). */
export function valueOk(v: unknown, m: ValueMatch): boolean {
  if (m === 'present') return v !== undefined;
  if (m === 'absent') return v === undefined;
  if (m === null || typeof m !== 'object') return deepEqual(v, m);
  if (m.present !== undefined && (v !== undefined) !== m.present) return false;
  if ('equals' in m && !deepEqual(v, m.equals)) return false;
  if ('notEquals' in m && deepEqual(v, m.notEquals)) return false;
  if (m.in && !m.in.some((x) => deepEqual(v, x))) return false;
  if (m.notIn && m.notIn.some((x) => deepEqual(v, x))) return false;
  if (m.pattern !== undefined && (typeof v !== 'string' || !new RegExp(m.pattern, 'u').test(v))) return false;
  if (m.type !== undefined) {
    const t = jsonType(v);
    if (m.type === 'integer' ? !Number.isInteger(v) : t !== m.type) return false;
  }
  if (m.class !== undefined && (typeof v !== 'number' || String(v)[0] !== m.class[0])) return false;
  if (m.minLength !== undefined && !((typeof v === 'string' || Array.isArray(v)) && v.length >= m.minLength)) return false;
  if (m.onlyKeys !== undefined) {
    if (jsonType(v) !== 'object' || !Object.keys(v as object).every((k) => m.onlyKeys!.includes(k))) return false;
  }
  if (m.some !== undefined) {
    const tests = Object.entries(m.some);
    if (!Array.isArray(v) || !v.some((el) => tests.every(([ptr, t]) => valueOk(resolvePointer(el, ptr), t)))) return false;
  }
  return true;
}

function rpc(o: Observation): Record<string, unknown> | undefined {
  const s = o.subject;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as Record<string, unknown>) : undefined;
}

/** Evaluates `m` against an observation. */
export function matches(m: Matcher, o: Observation): boolean {
  const res = o.record?.response;
  const err = o.record?.error;
  if (m.transportError !== undefined) {
    // `any` is every way an exchange breaks except the server process exiting (stdio): the engine handles that unless a rung names it.
    if (!err || (m.transportError === 'any' ? err.kind === 'exited' : err.kind !== m.transportError)) return false;
  }
  if (m.exited !== undefined) {
    const st = o.record?.stdio;
    if (!st || (st.exit !== undefined) !== m.exited) return false;
  }
  if (m.stdout) {
    const st = o.record?.stdio;
    if (!st) return false;
    for (const [fault, want] of Object.entries(m.stdout)) if ((st.session.faults[fault as StdoutFault] !== undefined) !== (want === 'present')) return false;
  }
  if (m.status !== undefined && (!res || err || !statusOk(res.status, m.status))) return false;
  if (m.accepted !== undefined) {
    // A broken exchange is neither taken nor refused.
    if (!o.record || err) return false;
    const msg = rpc(o);
    const refused = (res !== undefined && (res.status < 200 || res.status >= 300)) || (msg !== undefined && 'error' in msg);
    if (m.accepted === refused) return false;
  }
  if (m.header) {
    for (const [name, vm] of Object.entries(m.header)) {
      if (!res) return false;
      if (!valueOk(res.headers[name.toLowerCase()], vm)) return false;
    }
  }
  if (m.mediaType && (!res || !m.mediaType.map((t) => t.toLowerCase()).includes(mediaType(res.headers['content-type'])))) return false;
  if (m.body !== undefined) {
    if (!res || err) return false;
    const empty = res.bytes === 0;
    if ((m.body === 'empty') !== empty) return false;
  }
  if (m.result !== undefined) {
    const has = rpc(o) !== undefined && 'result' in rpc(o)!;
    if ((m.result === 'present') !== has) return false;
  }
  if (m.error !== undefined) {
    const e = rpc(o)?.error as { code?: unknown } | undefined;
    if (m.error === 'present' && !e) return false;
    if (m.error === 'absent' && e) return false;
    if (typeof m.error === 'object') {
      if (!e) return false;
      if (m.error.code !== undefined) {
        const codes = Array.isArray(m.error.code) ? m.error.code : [m.error.code];
        if (!codes.includes(e.code as number)) return false;
      }
    }
  }
  if (m.pointer) {
    for (const [ptr, vm] of Object.entries(m.pointer)) if (!valueOk(resolvePointer(o.subject, ptr), vm)) return false;
  }
  if (m.captured) {
    for (const [name, vm] of Object.entries(m.captured)) if (!valueOk(o.captures[name], vm)) return false;
  }
  if (m.anyMessage) {
    const tests = Object.entries(m.anyMessage);
    if (!(o.messages ?? []).some((msg) => tests.every(([ptr, vm]) => valueOk(resolvePointer(msg, ptr), vm)))) return false;
  }
  if (m.schema !== undefined && !satisfiesMessageSchema(m.schema, o.subject)) return false;
  if (m.streamEnd !== undefined) {
    if (!res || err) return false;
    if ((m.streamEnd === 'open') !== (o.record?.windowExpired === true)) return false;
  }
  if (m.firstEvent) {
    const first = res?.sse?.find((e) => !(e.retry !== undefined && e.data === '' && e.id === undefined));
    if (!first) return false;
    for (const [k, vm] of Object.entries(m.firstEvent)) if (!valueOk((first as unknown as Record<string, unknown>)[k], vm)) return false;
  }
  if (m.not && matches(m.not, o)) return false;
  if (m.all && !m.all.every((x) => matches(x, o))) return false;
  if (m.any && !m.any.some((x) => matches(x, o))) return false;
  return true;
}

function describeValue(vm: ValueMatch): string {
  if (vm === 'present') return 'present';
  if (vm === 'absent') return 'absent';
  if (vm === null || typeof vm !== 'object') return `= ${JSON.stringify(vm)}`;
  const parts: string[] = [];
  if (vm.present === true) parts.push('present');
  if (vm.present === false) parts.push('absent');
  if ('equals' in vm) parts.push(`= ${JSON.stringify(vm.equals)}`);
  if ('notEquals' in vm) parts.push(`≠ ${JSON.stringify(vm.notEquals)}`);
  if (vm.in) parts.push(`one of ${vm.in.map((x) => JSON.stringify(x)).join(', ')}`);
  if (vm.notIn) parts.push(`none of ${vm.notIn.map((x) => JSON.stringify(x)).join(', ')}`);
  if (vm.pattern !== undefined) parts.push(`matching /${vm.pattern}/`);
  if (vm.type) parts.push(`of type ${vm.type}`);
  if (vm.class) parts.push(`in ${vm.class}`);
  if (vm.minLength !== undefined) parts.push(`of length ≥ ${vm.minLength}`);
  if (vm.onlyKeys) parts.push(vm.onlyKeys.length ? `an object with no keys but ${vm.onlyKeys.join(', ')}` : 'an empty object');
  if (vm.some) parts.push(`with an element where ${Object.entries(vm.some).map(([p, t]) => `${p || '(value)'} ${describeValue(t)}`).join(' and ')}`);
  return parts.join(' and ');
}

/** Words for what a matcher requires, e.g. `HTTP 404` or `JSON-RPC error with code -32601`. */
export function describeMatcher(m: Matcher): string {
  const parts: string[] = [];
  if (m.transportError) parts.push(m.transportError === 'any' ? 'no usable answer' : `a ${m.transportError}`);
  if (m.status !== undefined) parts.push(`HTTP ${(Array.isArray(m.status) ? m.status : [m.status]).join(' or ')}`);
  if (m.exited !== undefined) parts.push(m.exited ? 'the server process exited' : 'the server process still running');
  for (const [fault, want] of Object.entries(m.stdout ?? {})) parts.push(`${want === 'absent' ? 'no' : 'some'} stdout line ${STDOUT_FAULT_WORDS[fault as StdoutFault]}`);
  if (m.accepted !== undefined) parts.push(m.accepted ? 'the message taken (no refusal, no JSON-RPC error)' : 'the message refused (a JSON-RPC error or a non-2xx status)');
  if (m.mediaType) parts.push(`Content-Type ${m.mediaType.join(' or ')}`);
  if (m.body) parts.push(`${m.body} body`);
  for (const [h, vm] of Object.entries(m.header ?? {})) parts.push(`header ${h} ${describeValue(vm)}`);
  if (m.result === 'present') parts.push('a JSON-RPC result');
  if (m.result === 'absent') parts.push('no JSON-RPC result');
  if (m.error === 'present') parts.push('a JSON-RPC error');
  if (m.error === 'absent') parts.push('no JSON-RPC error');
  if (typeof m.error === 'object')
    parts.push(m.error.code === undefined ? 'a JSON-RPC error' : `a JSON-RPC error with code ${[m.error.code].flat().join(' or ')}`);
  for (const [p, vm] of Object.entries(m.pointer ?? {})) parts.push(`${p || '(value)'} ${describeValue(vm)}`);
  for (const [c, vm] of Object.entries(m.captured ?? {})) parts.push(`${c} ${describeValue(vm)}`);
  if (m.streamEnd) parts.push(m.streamEnd === 'closed' ? 'the body ended by the server within the window' : 'the body still open when the window ran out');
  if (m.firstEvent)
    parts.push(`a first SSE event with ${Object.entries(m.firstEvent).map(([k, vm]) => `${k} ${describeValue(vm)}`).join(' and ')}`);
  if (m.anyMessage)
    parts.push(`a message with ${Object.entries(m.anyMessage).map(([p, vm]) => `${p || '(value)'} ${describeValue(vm)}`).join(' and ')}`);
  if (m.schema) parts.push(`a message valid against ${m.schema}`);
  if (m.not) parts.push(`not (${describeMatcher(m.not)})`);
  if (m.all) parts.push(m.all.map(describeMatcher).join(' and '));
  if (m.any) parts.push(`either ${m.any.map(describeMatcher).join(', or ')}`);
  return parts.join(', ');
}

/** Words for each stdio framing fault of a stdout line. */
const STDOUT_FAULT_WORDS: Record<StdoutFault, string> = {
  'not-json': 'that is not one complete JSON value',
  'not-json-rpc': 'that is JSON but not a JSON-RPC message',
  'batch-array': 'holding a JSON array (a batch)',
  'invalid-utf8': 'that is not valid UTF-8',
  crlf: 'ending in CRLF',
};

/** Words for the stdio side of an exchange: the lines that break the framing (quoted), and the process's exit. */
function describeStdio(r: ExchangeRecord, faults: StdoutFault[], exitAsked: boolean): string[] {
  const st = r.stdio!;
  const parts: string[] = [];
  for (const f of faults) {
    const e = st.session.faults[f];
    if (!e) parts.push(`no stdout line ${STDOUT_FAULT_WORDS[f]} (${st.session.lines} lines so far)`);
    else
      parts.push(
        `${e.count} stdout line${e.count === 1 ? '' : 's'} ${STDOUT_FAULT_WORDS[f]}, e.g. ${e.first.map((l) => `line at ${l.atMs} ms: ${quoteBody(l.text, l.bytes)}`).join('; ')}`,
      );
  }
  if (exitAsked || st.exit) {
    if (!st.exit) parts.push(`the server process (pid ${st.pid}) was still running`);
    else parts.push(`the server process exited ${st.exit.signal ? `on signal ${st.exit.signal}` : `with code ${st.exit.code}`} ${st.exit.atMs} ms after it started`);
    if (exitAsked && r.note) parts.push(r.note);
  }
  return parts;
}

function stdoutFaultsOf(m: Matcher | undefined, into: Set<StdoutFault>): boolean {
  if (!m) return false;
  Object.keys(m.stdout ?? {}).forEach((f) => into.add(f as StdoutFault));
  let exit = m.exited !== undefined;
  for (const x of [m.not, ...(m.all ?? []), ...(m.any ?? [])]) exit = stdoutFaultsOf(x, into) || exit;
  return exit;
}

function short(v: unknown, max = 200): string {
  const s = v === undefined ? 'absent' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Characters quoted bodies show at most (see `quoteBody`). */
export const QUOTED_BODY_CHARS = 200;

/**
 * A response body as observed text: its first `QUOTED_BODY_CHARS`
 * characters as a JSON string literal (quotes, backslashes and control
 * characters escaped), with C1 controls, zero-width and bidirectional
 * formatting characters also escaped as `\uXXXX` so that what a target sent
 * cannot disguise itself in a report; a longer body ends in `…` and its
 * size in bytes. E.g. the body `null` is shown as `"null"`.
 * @param body the body text as recorded (for SSE, the raw stream text)
 * @param bytes the body's size in bytes
 */
export function quoteBody(body: string | undefined, bytes: number): string {
  if (body === undefined) return `(${bytes} bytes, not recorded)`;
  const chars = [...body];
  const cut = chars.length > QUOTED_BODY_CHARS;
  const literal = JSON.stringify(cut ? chars.slice(0, QUOTED_BODY_CHARS).join('') : body).replace(
    /[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut ? `${literal}… (${bytes} bytes)` : literal;
}

/** Words for a JSON-RPC result: an object result is named only; any other value (`null`, a scalar, an array) is shown. */
function describeResult(result: unknown): string {
  return result !== null && typeof result === 'object' && !Array.isArray(result) ? 'JSON-RPC result' : `JSON-RPC result ${short(result, 80)}`;
}

function looksAtMessages(m: Matcher | undefined): boolean {
  if (!m) return false;
  return m.anyMessage !== undefined || looksAtMessages(m.not) || (m.all ?? []).some(looksAtMessages) || (m.any ?? []).some(looksAtMessages);
}

/** Short words for one JSON-RPC message: `request sampling/createMessage`, `response #3 (result)`. */
function describeMessage(msg: unknown): string {
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return short(msg, 60);
  const m = msg as Record<string, unknown>;
  if (typeof m.method === 'string') return `${'id' in m ? 'request' : 'notification'} ${m.method}`;
  if ('result' in m || 'error' in m) return `response ${short(m.id, 40)} (${'result' in m ? 'result' : 'error'})`;
  return short(msg, 60);
}

/** Every `schema:` reference in `m` and its sub-matchers. */
function schemasOf(m: Matcher | undefined, into: Set<string>): void {
  if (!m) return;
  if (m.schema) into.add(m.schema);
  schemasOf(m.not, into);
  m.all?.forEach((x) => schemasOf(x, into));
  m.any?.forEach((x) => schemasOf(x, into));
}

function pointersOf(m: Matcher | undefined, into: Set<string>, headers: Set<string>): void {
  if (!m) return;
  Object.keys(m.pointer ?? {}).forEach((p) => into.add(p));
  Object.keys(m.header ?? {}).forEach((h) => headers.add(h.toLowerCase()));
  pointersOf(m.not, into, headers);
  m.all?.forEach((x) => pointersOf(x, into, headers));
  m.any?.forEach((x) => pointersOf(x, into, headers));
}

/** True when `m` tests captured values only (e.g. a gate on `sessionId`): the last exchange is not its evidence. */
function capturedOnly(m: Matcher): boolean {
  const keys = Object.keys(m).filter((k) => (m as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return false;
  return keys.every((k) => k === 'captured' || (k === 'not' && capturedOnly(m.not!)) || ((k === 'all' || k === 'any') && (m[k] ?? []).every(capturedOnly)));
}

function capturedNames(m: Matcher | undefined, into: Set<string>): void {
  if (!m) return;
  Object.keys(m.captured ?? {}).forEach((n) => into.add(n));
  capturedNames(m.not, into);
  m.all?.forEach((x) => capturedNames(x, into));
  m.any?.forEach((x) => capturedNames(x, into));
}

/**
 * Words for what was observed, focused on what the matchers looked at:
 * status and media type, the JSON-RPC outcome, and the values at the
 * pointers and headers the matchers name. Matchers that test captured
 * values only are answered with those values (`captured sessionId:
 * absent`), not with the last exchange, which is not their evidence.
 */
export function describeObservation(o: Observation, looked: Matcher[] = []): string {
  if (looked.length > 0 && looked.every(capturedOnly)) {
    const names = new Set<string>();
    looked.forEach((m) => capturedNames(m, names));
    return [...names].map((n) => `captured ${n}: ${o.captures[n] === undefined ? 'absent' : short(o.captures[n])}`).join('; ');
  }
  const pointers = new Set<string>();
  const headers = new Set<string>();
  looked.forEach((m) => pointersOf(m, pointers, headers));
  const parts: string[] = [];
  const r = o.record;
  if (r?.error) parts.push(`${r.error.kind}: ${r.error.message}`);
  if (r?.response) {
    const mt = mediaType(r.response.headers['content-type']);
    parts.push(`HTTP ${r.response.status}${mt ? ` ${mt}` : ''}${r.response.bytes === 0 ? ', empty body' : ''}`);
    for (const h of headers) parts.push(`${h}: ${short(r.response.headers[h])}`);
    if (r.windowExpired) parts.push('still open when the window ran out');
    const firstSse = r.response.sse?.find((e) => !(e.retry !== undefined && e.data === '' && e.id === undefined));
    if (looked.some((m) => m.firstEvent || m.any?.some((x) => x.firstEvent)) && r.response.sse)
      parts.push(firstSse ? `first SSE event: ${short(firstSse)}` : 'no SSE event');
  } else if (r?.stdio) {
    const faults = new Set<StdoutFault>();
    const exitAsked = looked.map((m) => stdoutFaultsOf(m, faults)).some(Boolean);
    parts.push(...describeStdio(r, [...faults], exitAsked));
    if (!r.error && !rpc(o) && faults.size === 0 && !exitAsked) parts.push(`no JSON-RPC response on stdout (${r.stdio.stdout.length} lines read)`);
  } else if (r && !r.error) {
    parts.push('no response');
  }
  const msg = rpc(o);
  if (r) {
    if (msg && 'result' in msg) parts.push(describeResult(msg.result));
    else if (msg && 'error' in msg) {
      const e = msg.error as { code?: unknown; message?: unknown };
      parts.push(`JSON-RPC error ${short(e?.code)} ${short(e?.message, 120)}`);
    } else if (o.stray) parts.push(describeStray(o.stray));
    else if (r.response && r.response.bytes > 0)
      // Unclassified: quote the body, so the report shows the cause (a `null`, an HTML page, a bare object).
      parts.push(`no JSON-RPC response in the body: ${quoteBody(r.response.body, r.response.bytes)}`);
  } else if (o.subject !== undefined && pointers.size === 0) {
    parts.push(short(o.subject, 400));
  }
  for (const p of pointers) parts.push(`${p || '(value)'} = ${short(resolvePointer(o.subject, p))}`);
  const schemas = new Set<string>();
  looked.forEach((m) => schemasOf(m, schemas));
  for (const ref of schemas) {
    const problem = messageSchemaProblem(ref, o.subject);
    if (problem) parts.push(`not valid against ${ref}: ${problem}`);
  }
  // A probe's output explains itself in its summary.
  const summary = !r && o.subject && typeof o.subject === 'object' ? (o.subject as { summary?: unknown }).summary : undefined;
  if (typeof summary === 'string' && summary && pointers.size > 0) parts.push(summary);
  if (looked.some(looksAtMessages)) {
    const msgs = o.messages ?? [];
    parts.push(msgs.length ? `messages: ${msgs.slice(0, 12).map(describeMessage).join(', ')}${msgs.length > 12 ? `, … (${msgs.length} in all)` : ''}` : 'no JSON-RPC messages');
  }
  return parts.join('; ');
}
