/**
 * A realistic synthetic run for the report tests: two scenarios × two protocol
 * versions, every verdict, JSON and SSE responses, a timeout, an over-long
 * body, and hostile target strings (markup, `]]>`, quotes, control characters,
 * an ANSI escape) where a target could put them.
 */
import type { CheckResult, ExchangeRecord, Level, RunResults, ScenarioRun, Verdict } from '../harness/model/results.js';
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
 * A fresh copy of the sample run (safe to mutate): scenarios `session-id`
 * and `session-delete` at `2025-06-18` and `2025-11-25`, 16 check results
 * covering all eight verdicts; `summary` and `byLevel` are computed from the checks.
 */
export function makeSampleResults(): RunResults {
  const parts = [sessionId('2025-06-18', false), sessionId('2025-11-25', true), sessionDelete('2025-06-18', false), sessionDelete('2025-11-25', true)];
  const checks = parts.flatMap((p) => p.checks);
  const summary = Object.fromEntries(VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  const byLevel: Record<string, Partial<Record<Verdict, number>>> = {};
  for (const c of checks) {
    summary[c.verdict]++;
    const row = (byLevel[c.level] ??= {});
    row[c.verdict] = (row[c.verdict] ?? 0) + 1;
  }
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
  };
}
