/**
 * A realistic synthetic run for the report tests: two scenarios × two protocol
 * versions, every verdict, JSON and SSE responses, a timeout, an over-long
 * body, and hostile target strings (markup, `]]>`, quotes, control characters,
 * an ANSI escape) where a target could put them; and a stdio run
 * ({@link makeStdioSampleResults}) whose transcripts hold only stdio exchanges.
 */
import type { CheckResult, ExchangeRecord, Level, RequirementInfo, RunResults, ScenarioRun, StdoutLine, Verdict } from '../harness/model/results.js';
import { VERDICT_ORDER } from './common.js';

/** Markup and quoting a hostile target may send: `<script>alert(1)</script> ]]> "'&`. */
export const HOSTILE = `<script>alert(1)</script> ]]> "'&`;
/** The hostile server name: {@link HOSTILE} plus a raw U+0001 control character. */
export const HOSTILE_NAME = `evil\u0001${HOSTILE}`;
/** A session ID a broken server might issue (not visible ASCII only). */
export const HOSTILE_SESSION_ID = `abc]]>"'&<script>alert(1)</script>\u0001`;
/** Length of the over-long response body in the sample (more than the 4000-character transcript bound). */
export const LONG_BODY_LENGTH = 5000;

/** The two protocol versions of the sample run. */
export const SAMPLE_VERSIONS = ['2025-06-18', '2025-11-25'] as const;

const URL = 'http://127.0.0.1:3917/mcp';
const T0 = Date.parse('2025-11-30T10:00:00.000Z');

function at(ms: number): string {
  return new Date(T0 + ms).toISOString();
}

function post(seq: number, step: string, ms: number, body: unknown, session?: string, version?: string): ExchangeRecord {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
  };
  if (session !== undefined) headers['Mcp-Session-Id'] = session;
  if (version !== undefined) headers['MCP-Protocol-Version'] = version;
  return { seq, step, startedAt: at(ms), durationMs: 12, request: { method: 'POST', url: URL, headers, body: JSON.stringify(body) } };
}

function initialize(seq: number, ms: number, version: string): ExchangeRecord {
  return post(seq, 'macro:initialize', ms, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'mcp-session-conformance', version: '0.1.0' } },
  });
}

function initResult(version: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    result: { protocolVersion: version, capabilities: { tools: {} }, serverInfo: { name: HOSTILE_NAME, version: `1.0.0"'&` } },
  });
}

function jsonResponse(status: number, body: string | undefined, extra: Record<string, string> = {}): NonNullable<ExchangeRecord['response']> {
  const headers: Record<string, string> = { ...(body ? { 'content-type': 'application/json' } : {}), ...extra };
  return { status, headers, ...(body !== undefined ? { body } : {}), bytes: Buffer.byteLength(body ?? '', 'utf8') };
}

function sseResponse(events: Array<{ event?: string; id?: string; data: string }>, extra: Record<string, string> = {}): NonNullable<ExchangeRecord['response']> {
  const body = events
    .map((e) => [e.event && `event: ${e.event}`, e.id && `id: ${e.id}`, `data: ${e.data}`].filter(Boolean).join('\n') + '\n\n')
    .join('');
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...extra },
    body,
    bytes: Buffer.byteLength(body, 'utf8'),
    sse: events,
  };
}

interface CheckSpec {
  slug: string;
  title: string;
  level: Level;
  requirements: string[];
  anchor: string;
}

const SESSION_ID_CHECKS: CheckSpec[] = [
  { slug: 'assigned-on-initialize', title: 'Server assigns a session ID in the InitializeResult response', level: 'MAY', requirements: ['HTTP-SESS-001'], anchor: 'session-management' },
  { slug: 'visible-ascii', title: 'Session ID contains only visible ASCII characters', level: 'MUST', requirements: ['HTTP-SESS-002', 'HTTP-SESS-003'], anchor: 'session-management' },
  { slug: 'not-echoed-in-url', title: 'Session ID is not placed in the endpoint URL', level: 'MUST NOT', requirements: ['HTTP-SESS-004'], anchor: 'session-management' },
  { slug: 'missing-header-rejected', title: 'Request without Mcp-Session-Id after initialization is rejected with 400', level: 'SHOULD', requirements: ['HTTP-SESS-006'], anchor: 'session-management' },
  { slug: 'get-stream', title: 'GET on the endpoint opens an SSE stream or answers 405', level: 'INFO', requirements: ['HTTP-SSE-010'], anchor: 'listening-for-messages-from-the-server' },
];

const SESSION_DELETE_CHECKS: CheckSpec[] = [
  { slug: 'delete-accepted', title: 'DELETE with the session ID terminates the session', level: 'MAY', requirements: ['HTTP-SESS-008'], anchor: 'session-management' },
  { slug: 'request-after-delete-404', title: 'Requests with a terminated session ID get 404', level: 'MUST', requirements: ['HTTP-SESS-005', 'HTTP-SESS-008'], anchor: 'session-management' },
  { slug: 'reinitialize-after-delete', title: 'A new InitializeRequest after termination starts a new session', level: 'SHOULD', requirements: ['HTTP-SESS-007'], anchor: 'session-management' },
];

type Outcome = Pick<CheckResult, 'verdict'> & Partial<Pick<CheckResult, 'reason' | 'expected' | 'observed'>> & { seqs: number[] };

function run(
  id: string,
  title: string,
  version: string,
  status: ScenarioRun['status'],
  transcript: ExchangeRecord[],
  specs: CheckSpec[],
  outcomes: Outcome[],
): { run: ScenarioRun; checks: CheckResult[] } {
  const key = `${id}@${version}`;
  const checks = specs.map((s, i): CheckResult => {
    const { seqs, ...o } = outcomes[i] ?? { verdict: 'skipped', reason: 'not-reached', seqs: [] };
    return {
      id: `${id}/${s.slug}`,
      scenario: id,
      protocolVersion: version,
      title: s.title,
      level: s.level,
      requirements: s.requirements,
      spec: `basic/transports#${s.anchor}`,
      specUrl: `https://modelcontextprotocol.io/specification/${version}/basic/transports#${s.anchor}`,
      ...o,
      transcript: { scenarioRun: key, seqs },
    };
  });
  const durationMs = transcript.reduce((n, e) => n + e.durationMs, 0) + 3;
  return {
    run: { key, id, title, file: `suites/session/${id}.yaml`, protocolVersion: version, status, durationMs, captures: { sessionId: HOSTILE_SESSION_ID, negotiatedVersion: version }, transcript, checks: checks.map((c) => c.id) },
    checks,
  };
}

function sessionId(version: string, sse: boolean): { run: ScenarioRun; checks: CheckResult[] } {
  const sid = sse ? 'f3b1c2d4-0b5e-4c1a-9a8e-2f6d7c9b1a00' : HOSTILE_SESSION_ID;
  const init = initialize(0, 0, version);
  init.response = sse
    ? sseResponse([{ event: 'message', id: '1', data: initResult(version) }], { 'mcp-session-id': sid })
    : jsonResponse(200, initResult(version), { 'mcp-session-id': sid });
  const initialized = post(1, 'macro:initialized', 20, { jsonrpc: '2.0', method: 'notifications/initialized' }, sid, version);
  initialized.response = jsonResponse(202, undefined);
  const noHeader = post(2, 'list-without-session', 40, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, undefined, version);
  noHeader.response = sse
    ? jsonResponse(400, '{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Bad Request: No valid session ID provided"}}')
    : { status: 200, headers: { 'content-type': 'text/plain' }, body: `oops\u0001 ${HOSTILE}`, bytes: Buffer.byteLength(`oops\u0001 ${HOSTILE}`) };
  const get: ExchangeRecord = {
    seq: 3,
    step: 'open-get-stream',
    startedAt: at(60),
    durationMs: 8,
    request: { method: 'GET', url: URL, headers: { Accept: 'text/event-stream', 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': version } },
    response: sse
      ? { ...sseResponse([{ event: 'ping', data: '{}' }]), bodyTruncated: false }
      : { status: 405, headers: { 'content-type': 'text/html', allow: 'POST, DELETE' }, body: 'x'.repeat(LONG_BODY_LENGTH), bytes: LONG_BODY_LENGTH },
    ...(sse ? { note: 'stopped reading the SSE stream after 1 event (read window elapsed)' } : {}),
  };
  const outcomes: Outcome[] = sse
    ? [
        { verdict: 'pass', seqs: [0] },
        { verdict: 'pass', seqs: [0] },
        { verdict: 'pass', seqs: [0, 1] },
        { verdict: 'pass', expected: 'HTTP 400', observed: 'HTTP 400', seqs: [2] },
        { verdict: 'pass', seqs: [3] },
      ]
    : [
        { verdict: 'pass', seqs: [0] },
        { verdict: 'fail', expected: 'session ID of visible ASCII characters (0x21-0x7E)', observed: `session ID ${JSON.stringify(HOSTILE_SESSION_ID)} contains U+0001`, seqs: [0] },
        { verdict: 'pass', seqs: [0, 1] },
        { verdict: 'warn', expected: 'HTTP 400 Bad Request', observed: `HTTP 200 with body "oops\u0001 ${HOSTILE}"`, seqs: [2] },
        { verdict: 'info', expected: 'an SSE stream or HTTP 405', observed: 'HTTP 405 (server offers no GET stream)', seqs: [3] },
      ];
  return run('session-id', 'Session ID assignment and use', version, 'completed', [init, initialized, noHeader, get], SESSION_ID_CHECKS, outcomes);
}

function sessionDelete(version: string, timeout: boolean): { run: ScenarioRun; checks: CheckResult[] } {
  const sid = '7d0e3c9a-5a1b-4b8e-8f00-0c1d2e3f4a5b';
  const init = initialize(0, 1000, version);
  init.response = timeout
    ? sseResponse([{ event: 'message', id: 'ev-1', data: initResult(version) }], { 'mcp-session-id': sid })
    : jsonResponse(200, initResult(version), { 'mcp-session-id': sid });
  const del: ExchangeRecord = {
    seq: 1,
    step: 'delete-session',
    startedAt: at(1030),
    durationMs: timeout ? 5000 : 6,
    request: { method: 'DELETE', url: URL, headers: { 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': version } },
  };
  if (timeout) {
    del.error = { kind: 'timeout', message: 'no response headers within 5000 ms' };
    del.note = 'the run ended this scenario early after the timeout';
  } else {
    del.response = jsonResponse(405, undefined, { allow: 'GET, POST' });
  }
  const outcomes: Outcome[] = timeout
    ? [
        { verdict: 'error', reason: 'timeout', expected: 'HTTP 200, 202 or 405', observed: 'no response headers within 5000 ms', seqs: [1] },
        { verdict: 'blocked', reason: 'prerequisite-not-met', seqs: [] },
        { verdict: 'skipped', reason: 'scenario-ended-early', seqs: [] },
      ]
    : [
        { verdict: 'not-applicable', reason: 'delete-not-supported', expected: 'HTTP 200 or 202', observed: 'HTTP 405 (Allow: GET, POST)', seqs: [1] },
        { verdict: 'not-applicable', reason: 'delete-not-supported', seqs: [1] },
        { verdict: 'not-applicable', reason: 'delete-not-supported', seqs: [1] },
      ];
  return run('session-delete', 'Client-initiated session termination', version, timeout ? 'ended-early' : 'not-applicable', [init, del], SESSION_DELETE_CHECKS, outcomes);
}

/**
 * The catalog's entries (`RunResults.requirements`) of the sample's cited
 * requirements, titles and levels as `suites/_catalog/requirements.yaml` states them, except
 * that HTTP-SESS-005's title carries {@link HOSTILE} markup (it must be
 * escaped); HTTP-SSE-010, which the catalog lacks, has no entry.
 */
export const SAMPLE_REQUIREMENTS: Readonly<Record<string, RequirementInfo>> = {
  'HTTP-SESS-001': { title: 'The server may assign a session id in Mcp-Session-Id on the response carrying the InitializeResult', level: 'MAY (S)', source: '#session-management' },
  'HTTP-SESS-002': { title: 'A session id contains only visible ASCII (0x21 to 0x7E)', level: 'MUST (S)', source: '#session-management' },
  'HTTP-SESS-003': { title: 'Session ids are globally unique and cryptographically secure', level: 'SHOULD (S) (the 06-18+ security page makes it MUST: "secure, non-deterministic")', source: '#session-management' },
  'HTTP-SESS-004': { title: 'Once issued, the session id goes on every later request: POST, GET and DELETE', level: 'MUST (C)', source: '#session-management' },
  'HTTP-SESS-005': { title: `A server that requires sessions answers 400 ${HOSTILE}`, level: 'SHOULD (S)', source: '#session-management' },
  'HTTP-SESS-006': { title: 'Once a session is terminated, any request carrying its id gets 404 Not Found', level: 'MUST (S)', source: '#session-management' },
  'HTTP-SESS-007': { title: 'A session id that was never issued also gets 404', level: 'derived / ambiguous (S)', source: '#session-management' },
  'HTTP-SESS-008': { title: 'After a 404, the client starts a new session with a fresh initialize carrying no session id', level: 'MUST (C); the server has to make this work', source: '#session-management' },
};

/**
 * A fresh copy of the sample run (safe to mutate): scenarios `session-id`
 * and `session-delete` at `2025-06-18` and `2025-11-25`, 16 check results
 * covering all eight verdicts; `summary` and `byLevel` are computed from the checks;
 * `requirements` is {@link SAMPLE_REQUIREMENTS}.
 */
export function makeSampleResults(): RunResults {
  const parts = [sessionId('2025-06-18', false), sessionId('2025-11-25', true), sessionDelete('2025-06-18', false), sessionDelete('2025-11-25', true)];
  const checks = parts.flatMap((p) => p.checks);
  const { summary, byLevel } = tally(checks);
  return {
    format: 'mcp-session-conformance.results/1',
    suiteVersion: '0.1.0',
    target: {
      kind: 'command',
      transport: 'streamable-http',
      url: URL,
      command: 'node server.js --port 3917',
      serverInfo: { name: HOSTILE_NAME, version: `1.0.0"'&` },
      stdout: `listening on 3917\n${HOSTILE}\n`,
      stderr: 'warning: \u001b[31mred\u001b[0m \u0001 done\n',
      exitCode: null,
    },
    protocolVersion: SAMPLE_VERSIONS[0],
    protocolVersions: [...SAMPLE_VERSIONS],
    startedAt: at(0),
    durationMs: 6543,
    interrupted: false,
    options: { timeoutMs: 5000, maxResponseBytes: 1048576, concurrency: 1 },
    summary,
    byLevel,
    scenarios: parts.map((p) => p.run),
    checks,
    requirements: structuredClone(SAMPLE_REQUIREMENTS),
  };
}

/** `summary` and `byLevel` of a results document, counted from its checks. */
function tally(checks: CheckResult[]): Pick<RunResults, 'summary' | 'byLevel'> {
  const summary = Object.fromEntries(VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  const byLevel: Record<string, Partial<Record<Verdict, number>>> = {};
  for (const c of checks) {
    summary[c.verdict]++;
    const row = (byLevel[c.level] ??= {});
    row[c.verdict] = (row[c.verdict] ?? 0) + 1;
  }
  return { summary, byLevel };
}

// ---------------------------------------------------------------------------
// A stdio run (MCP basic/transports#stdio): the server is a subprocess.

/** The `--stdio` command of the stdio sample (markup in it must be escaped wherever it is shown). */
export const STDIO_COMMAND = 'node server.js --greeting "<b>hi</b> & bye"';
/** A banner the stdio sample's server prints on stdout: an ANSI escape plus {@link HOSTILE}. */
export const STDIO_BANNER = `\u001b[32mready\u001b[0m ${HOSTILE}`;
/** The stderr tail of the stdio sample's server killed by SIGTERM: ANSI escapes, {@link HOSTILE}, a CRLF. */
export const STDIO_STDERR = `log: listening on stdio\n\u001b[31mfatal\u001b[0m: ${HOSTILE}\r\nexiting\n`;
/** Characters of the over-long stdout line the stdio sample keeps (the harness cut it). */
export const STDIO_LONG_LINE_TEXT = 5000;
/** Bytes of that line as the server wrote it. */
export const STDIO_LONG_LINE_BYTES = 2_000_000;

const STDIO_VERSION = '2025-11-25';

type StdioFaults = NonNullable<ExchangeRecord['stdio']>['session']['faults'];

function stdioExchange(
  seq: number,
  step: string,
  ms: number,
  durationMs: number,
  proc: { process: number; pid: number },
  action: { write: unknown } | { close: true } | { signal: string },
  stdout: StdoutLine[],
  session: { lines: number; faults?: StdioFaults },
  extra: { exit?: { code: number | null; signal: string | null; atMs: number }; stderrTail?: string } = {},
): ExchangeRecord {
  const write = 'write' in action;
  const method = write ? 'STDIN' : 'close' in action ? 'CLOSE-STDIN' : `SIGNAL ${action.signal}`;
  return {
    seq,
    step,
    startedAt: at(ms),
    durationMs,
    request: { method, url: 'stdio:', headers: {}, ...(write ? { body: typeof action.write === 'string' ? action.write : JSON.stringify(action.write) } : {}) },
    stdio: {
      command: STDIO_COMMAND,
      pid: proc.pid,
      process: proc.process,
      action: write ? 'write' : 'close' in action ? 'close-stdin' : 'signal',
      ...('signal' in action ? { signal: action.signal } : {}),
      stdout,
      session: { lines: session.lines, faults: session.faults ?? {} },
      ...extra,
    },
  };
}

function stdioInitialize(id: number): unknown {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: STDIO_VERSION, capabilities: {}, clientInfo: { name: 'mcp-session-conformance', version: '0.1.0' } },
  };
}

function stdioLine(atMs: number, text: string, flags: Partial<Pick<StdoutLine, 'invalidUtf8' | 'crlf' | 'truncated'>> = {}, bytes?: number): StdoutLine {
  return { atMs, text, bytes: bytes ?? Buffer.byteLength(text, 'utf8'), ...flags };
}

const STDIO_FRAMING_CHECKS: CheckSpec[] = [
  { slug: 'stdout-lines-are-json', title: 'Every non-empty stdout line is one complete JSON value', level: 'MUST', requirements: ['STDIO-002', 'STDIO-003'], anchor: 'stdio' },
  { slug: 'stdout-valid-utf8', title: 'stdout is valid UTF-8', level: 'MUST', requirements: ['STDIO-007'], anchor: 'stdio' },
  { slug: 'stderr-logs-allowed', title: 'Logs on stderr are allowed and not judged', level: 'INFO', requirements: ['STDIO-004'], anchor: 'stdio' },
];

const STDIO_SHUTDOWN_CHECKS: CheckSpec[] = [
  { slug: 'exits-after-stdin-closed', title: 'The server exits within 5 s after its stdin is closed', level: 'SHOULD', requirements: ['STDIO-009', 'LIFE-SHUT-001'], anchor: 'stdio' },
  { slug: 'exits-after-sigterm', title: 'A server still running 5 s after stdin closed exits within 5 s of SIGTERM', level: 'INFO', requirements: ['STDIO-009'], anchor: 'stdio' },
];

const STDIO_ORDERING_CHECKS: CheckSpec[] = [
  { slug: 'request-before-initialize-refused', title: 'A request sent before any initialize is refused', level: 'INFO', requirements: ['LIFE-INIT-001'], anchor: 'stdio' },
  { slug: 'initialize-after-early-requests-succeeds', title: 'initialize still succeeds after requests were sent before it', level: 'MUST', requirements: ['LIFE-INIT-001', 'LIFE-INIT-002'], anchor: 'stdio' },
];

function stdioFraming(): { run: ScenarioRun; checks: CheckResult[] } {
  const p = { process: 1, pid: 4242 };
  const banner = stdioLine(120, STDIO_BANNER);
  const result = stdioLine(180, initResult(STDIO_VERSION));
  const bad = stdioLine(228, '{"jsonrpc":"2.0","id":2,"result":{"name":"caf\uFFFD"}}', { invalidUtf8: true, crlf: true }, 47);
  const long = stdioLine(231, 'z'.repeat(STDIO_LONG_LINE_TEXT), { truncated: true }, STDIO_LONG_LINE_BYTES);
  const early = { 'not-json': { count: 1, first: [banner] } };
  const transcript = [
    stdioExchange(0, 'initialize', 0, 210, p, { write: stdioInitialize(1) }, [banner, result], { lines: 2, faults: early }, { stderrTail: 'log: listening on stdio\n' }),
    stdioExchange(1, 'initialized', 215, 0, p, { write: { jsonrpc: '2.0', method: 'notifications/initialized' } }, [], { lines: 2, faults: early }, { stderrTail: 'log: listening on stdio\n' }),
    stdioExchange(2, 'ping', 220, 15, p, { write: { jsonrpc: '2.0', id: 2, method: 'ping' } }, [bad, long], {
      lines: 4,
      faults: { 'not-json': { count: 2, first: [banner, long] }, 'invalid-utf8': { count: 1, first: [bad] }, crlf: { count: 1, first: [bad] } },
    }, { stderrTail: 'log: listening on stdio\nlog: ping\n' }),
  ];
  const r = run('transports.stdio.framing', 'stdio framing', STDIO_VERSION, 'completed', transcript, STDIO_FRAMING_CHECKS, [
    { verdict: 'fail', expected: 'no stdout line that is not one complete JSON value', observed: `2 stdout lines that are not one complete JSON value, e.g. line at 120 ms: ${JSON.stringify(STDIO_BANNER)}`, seqs: [0, 2] },
    { verdict: 'fail', expected: 'stdout lines of valid UTF-8', observed: '1 stdout line that is not valid UTF-8, e.g. line at 228 ms', seqs: [2] },
    { verdict: 'pass', seqs: [2] },
  ]);
  return r;
}

function stdioShutdown(): { run: ScenarioRun; checks: CheckResult[] } {
  const p = { process: 1, pid: 4300 };
  const transcript = [
    stdioExchange(0, 'initialize', 1000, 150, p, { write: stdioInitialize(1) }, [stdioLine(140, initResult(STDIO_VERSION))], { lines: 1 }),
    stdioExchange(1, 'close-stdin', 1200, 5000, p, { close: true }, [], { lines: 1 }),
    stdioExchange(2, 'sigterm', 6200, 40, p, { signal: 'SIGTERM' }, [], { lines: 1 }, {
      exit: { code: null, signal: 'SIGTERM', atMs: 5340 },
      stderrTail: STDIO_STDERR,
    }),
  ];
  return run('transports.stdio.shutdown', 'stdio shutdown', STDIO_VERSION, 'completed', transcript, STDIO_SHUTDOWN_CHECKS, [
    { verdict: 'warn', expected: 'the process exits within 5000 ms of stdin closing', observed: 'still running 5000 ms after stdin closed', seqs: [1] },
    { verdict: 'info', observed: 'the server process was killed by SIGTERM 5340 ms after it started', seqs: [2] },
  ]);
}

function stdioOrdering(): { run: ScenarioRun; checks: CheckResult[] } {
  const exited = 'the server process exited with code 3 944 ms after it started; stderr ends: "fatal: received tools/list before initialize; exiting"';
  const transcript: ExchangeRecord[] = [
    stdioExchange(0, 'control-initialize', 8000, 120, { process: 1, pid: 4400 }, { write: stdioInitialize(1) }, [stdioLine(110, initResult(STDIO_VERSION))], { lines: 1 }),
    {
      ...stdioExchange(1, 'tools-list-first', 8200, 950, { process: 2, pid: 4401 }, { write: { jsonrpc: '2.0', id: 2, method: 'tools/list' } }, [], { lines: 0 }, {
        exit: { code: 3, signal: null, atMs: 944 },
        stderrTail: 'fatal: received tools/list before initialize; exiting\n',
      }),
      error: { kind: 'exited', message: exited },
    },
  ];
  return run('lifecycle.initialize.ordering', 'Initialization ordering', STDIO_VERSION, 'error', transcript, STDIO_ORDERING_CHECKS, [
    { verdict: 'error', reason: 'exited', observed: `step tools-list-first: ${exited}`, seqs: [0, 1] },
    { verdict: 'blocked', reason: 'exited', expected: 'step tools-list-first answered', observed: `step tools-list-first: ${exited}`, seqs: [0, 1] },
  ]);
}

/**
 * A fresh stdio run (safe to mutate), as `--stdio` produces it: target kind
 * `stdio` (url `stdio:`, command {@link STDIO_COMMAND}, a cwd, two `--env`
 * names), three scenarios at 2025-11-25 whose transcripts hold only stdio
 * exchanges: framing (a hostile banner, an invalid-UTF-8 CRLF line, an
 * over-long line the harness cut, a stderr tail), shutdown (stdin closed
 * without exit for 5 s, then SIGTERM and the hostile stderr tail
 * {@link STDIO_STDERR}), and ordering (the second process exits with code 3:
 * an `exited` error, one check `error` and one `blocked`).
 */
export function makeStdioSampleResults(): RunResults {
  const parts = [stdioFraming(), stdioShutdown(), stdioOrdering()];
  for (const p of parts) p.run.file = `suites/${p.run.id.split('.').slice(0, -1).join('/')}/${p.run.id.split('.').at(-1)}.yaml`;
  const checks = parts.flatMap((p) => p.checks);
  return {
    format: 'mcp-session-conformance.results/1',
    suiteVersion: '0.1.0',
    target: {
      kind: 'stdio',
      url: 'stdio:',
      transport: 'stdio',
      command: STDIO_COMMAND,
      cwd: '/srv/mcp',
      env: ['API_TOKEN', 'DEBUG'],
      serverInfo: { name: HOSTILE_NAME, version: '1.0.0' },
    },
    protocolVersion: STDIO_VERSION,
    protocolVersions: [STDIO_VERSION],
    startedAt: at(0),
    durationMs: 9321,
    interrupted: false,
    options: { timeoutMs: 10000, maxResponseBytes: 4194304, concurrency: 4 },
    ...tally(checks),
    scenarios: parts.map((p) => p.run),
    checks,
  };
}
