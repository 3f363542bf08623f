/**
 * The runner's step semantics against a fake transport — no network: ladders
 * (first match, `otherwise`, `end: remaining`), captures (present and
 * absent), `applies-when`, `require` → `blocked`, `escalate`, interpolation,
 * windows, transport errors → `error` with the bound's kind, undecided
 * checks, unsupported revisions, and the transport's close after the verdicts.
 */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import type { Agent } from 'undici';
import { runScenario, type RunnerContext } from './runner.js';
import { loadRequirementIds, loadScenario } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';
import type { Exchange } from '../transport/http.js';
import type { ExchangeErrorKind } from '../model/results.js';
import type { HttpRequestSpec, Scenario } from '../model/scenario.js';
import type { ScenarioTransport, SendContext } from '../transport/transport.js';
import { buildRequest } from '../transport/request.js';
import { postOf } from '../transport/streamable-http.js';

const IDS = loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml'));

/** A scenario from YAML lines (macros from the bundled suite). */
function scenario(lines: string[]): Scenario {
  return loadScenario(join(SUITES_DIR, '__runner-test__', 'fake.yaml'), SUITES_DIR, IDS, undefined, `${lines.join('\n')}\n`);
}

/** What the fake target answers to one request. */
type Answer =
  | { status: number; headers?: Record<string, string>; json?: unknown; windowEnd?: 'server' | 'window' }
  | { error: ExchangeErrorKind };

interface Call {
  spec: HttpRequestSpec;
  ctx: SendContext;
  body?: unknown;
}

/** A fake transport: `answer` decides each answer from the request; every call is recorded; `closed` tells whether close ran. */
function fake(answer: (spec: HttpRequestSpec, body: Record<string, unknown> | undefined, n: number) => Answer, kind: ScenarioTransport['kind'] = 'streamable-http') {
  const calls: Call[] = [];
  const messages: string[] = [];
  let closed = false;
  let id = 0;
  const t: ScenarioTransport = {
    kind,
    async http(spec, ctx) {
      // The real request builder (interpolation, ids, presets) without the network.
      const req = buildRequest(spec, 'http://fake.invalid/mcp', ctx.vars, ctx.nextId);
      const awaitId = req.awaitId;
      const body = req.body !== undefined && spec.body === undefined ? (JSON.parse(req.body) as Record<string, unknown>) : undefined;
      calls.push({ spec, ctx, body });
      const a = answer(spec, body, id++);
      const record = {
        seq: -1,
        step: ctx.stepId,
        startedAt: new Date(0).toISOString(),
        durationMs: 1,
        request: { method: req.method, url: req.url, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}) },
      };
      let ex: Exchange;
      if ('error' in a) ex = { record: { ...record, error: { kind: a.error, message: `fake ${a.error}` } }, messages: [], unparsedEvents: [] };
      else {
        const text = a.json === undefined ? '' : JSON.stringify(a.json);
        ex = {
          record: { ...record, response: { status: a.status, headers: { 'content-type': 'application/json', ...a.headers }, bytes: text.length, ...(text ? { body: text } : {}) }, ...(a.windowEnd === 'window' ? { windowExpired: true } : {}) },
          messages: a.json === undefined ? [] : Array.isArray(a.json) ? a.json : [a.json],
          ...(a.json !== undefined ? { json: a.json } : {}),
          unparsedEvents: [],
          ...(spec.windowMs !== undefined ? { windowEnd: a.windowEnd ?? 'server' } : {}),
        };
      }
      const session = 'status' in a ? a.headers?.['mcp-session-id'] : undefined;
      return { ex, ...(awaitId !== undefined ? { awaitId } : {}), ...(session !== undefined ? { session } : {}) };
    },
    message(msg, ctx) {
      messages.push(msg.method ?? (msg.raw !== undefined ? `raw:${msg.raw}` : 'json'));
      return this.http(postOf(msg), ctx);
    },
    async close() {
      closed = true;
    },
  };
  return { transport: t, calls, messages, closed: () => closed };
}

const result = (body: Record<string, unknown> | undefined, r: unknown) => ({ status: 200, json: { jsonrpc: '2.0', id: body?.id, result: r } });

function ctxFor(transport: ScenarioTransport, over: Partial<RunnerContext> = {}): RunnerContext {
  return { agent: undefined as unknown as Agent, url: 'http://fake.invalid/mcp', limits: { timeoutMs: 1000, maxResponseBytes: 1 << 20 }, protocolVersion: '2025-11-25', transport: () => transport, ...over };
}

const HEAD = ['id: test.runner.fake', 'title: Runner semantics', 'versions: { from: "2025-03-26" }', 'checks:'];
const check = (id: string, level = 'MUST', extra: string[] = []) => [`  - id: ${id}`, `    title: ${id}`, `    level: ${level}`, '    requirements: [LIFE-PING-001]', '    spec: basic/utilities/ping', ...extra];
const verdicts = async (s: Scenario, t: ScenarioTransport, over: Partial<RunnerContext> = {}) => {
  const o = await runScenario(s, ctxFor(t, over));
  return { o, v: Object.fromEntries(o.checks.map((c) => [c.id.split('/')[1]!, `${c.verdict}${c.reason ? ` (${c.reason})` : ''}`])) };
};

describe('runScenario against a fake transport', () => {
  it('an outcome ladder is first-match: the first matching rung decides, later rungs do not override; otherwise catches the rest', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), ...check('b', 'SHOULD'),
      'steps:',
      '  - id: ping',
      '    http: { jsonrpc: { method: ping } }',
      '    outcomes:',
      '      - when: { status: 200 }',
      '        record: { a: pass }',
      '      - when: { status: 2xx }',
      '        record: { a: fail }',
      '      - otherwise: true',
      '        record: { a: fail }',
      '  - id: judge-b',
      '    outcomes:',
      '      - when: { status: 500 }',
      '        record: { b: pass }',
      '      - otherwise: true',
      '        record: { b: warn }',
      '        expected: a 500',
    ]);
    const { v, o } = await verdicts(s, fake((_s, body) => result(body, {})).transport);
    expect(v).toEqual({ a: 'pass', b: 'warn' });
    expect(o.checks[1]!.expected).toBe('a 500');
    expect(o.checks[1]!.observed).toBe('HTTP 200 application/json; JSON-RPC result');
    expect(o.checks[0]!.transcript.seqs).toEqual([0]);
  });

  it('end: remaining gives every pending check that verdict and reason, and ends the run early', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), ...check('b'), ...check('c'),
      'steps:',
      '  - id: ping',
      '    http: { jsonrpc: { method: ping } }',
      '    outcomes:',
      '      - when: { status: 405 }',
      '        record: { a: not-applicable }',
      '        reason: method-not-allowed',
      '        end: { remaining: not-applicable, reason: method-not-allowed }',
      '      - otherwise: true',
      '        record: { a: pass }',
      '  - id: never',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { b: { status: 200 }, c: { status: 200 } }',
    ]);
    const f = fake(() => ({ status: 405 }));
    const { v, o } = await verdicts(s, f.transport);
    expect(v).toEqual({ a: 'not-applicable (method-not-allowed)', b: 'not-applicable (method-not-allowed)', c: 'not-applicable (method-not-allowed)' });
    expect(o.run.status).toBe('ended-early');
    expect(f.calls).toHaveLength(1);
  });

  it('captures a header, a pointer and a status; an absent capture matches `absent`; captured values are interpolated into later requests', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), ...check('b'),
      'steps:',
      '  - id: init',
      '    http: { jsonrpc: { method: initialize, params: { protocolVersion: "{{protocolVersion}}" } } }',
      '    capture:',
      '      sid: { header: mcp-session-id }',
      '      pv: { pointer: /result/protocolVersion }',
      '      code: { status: true }',
      '      nothing: { pointer: /result/missing }',
      '  - id: echo',
      '    http: { jsonrpc: { method: echo, params: { sid: "{{sid}}", pv: "{{pv}}", code: "{{code}}" } } }',
      '    expect:',
      '      a: { pointer: { /result/sid: S-1, /result/pv: "2025-11-25", /result/code: 200 } }',
      '      b: { captured: { nothing: absent, sid: S-1 } }',
    ]);
    const f = fake((spec, body) =>
      spec.jsonrpc?.method === 'initialize'
        ? { ...result(body, { protocolVersion: (body!.params as { protocolVersion: string }).protocolVersion }), headers: { 'mcp-session-id': 'S-1' } }
        : result(body, body!.params),
    );
    const { v, o } = await verdicts(s, f.transport);
    expect(v).toEqual({ a: 'pass', b: 'pass' });
    expect(o.run.captures).toMatchObject({ sid: 'S-1', pv: '2025-11-25', code: 200 });
    // A whole-string {{var}} keeps the captured value's type (the status stays a number).
    expect(f.calls[1]!.body).toMatchObject({ params: { sid: 'S-1', pv: '2025-11-25', code: 200 } });
  });

  it('a captured-absent variable used in a request is an error (unknown-variable), never a verdict on the target', async () => {
    const s = scenario([
      ...HEAD, ...check('a'),
      'steps:',
      '  - id: first',
      '    http: { jsonrpc: { method: ping } }',
      '    capture: { sid: { header: mcp-session-id } }',
      '  - id: second',
      '    http: { jsonrpc: { method: ping }, headers: { X-Session: "{{sid}}" } }',
      '    expect: { a: { status: 200 } }',
    ]);
    const { v, o } = await verdicts(s, fake((_s, body) => result(body, {})).transport);
    expect(v).toEqual({ a: 'error (unknown-variable)' });
    expect(o.run.status).toBe('error');
  });

  it('applies-when ends with not-applicable and its reason; require ends with blocked and its reason', async () => {
    const na = scenario([...HEAD, ...check('a'), 'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    applies-when: { that: { status: 200 }, reason: method-not-served }', '  - id: q', '    expect: { a: { status: 200 } }']);
    expect((await verdicts(na, fake(() => ({ status: 404 })).transport)).v).toEqual({ a: 'not-applicable (method-not-served)' });
    const blocked = scenario([...HEAD, ...check('a'), 'steps:', '  - use: open-session', '  - id: q', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 } }']);
    const { v, o } = await verdicts(blocked, fake(() => ({ status: 500 })).transport);
    expect(v).toEqual({ a: 'blocked (initialize-failed)' });
    expect(o.checks[0]!.expected).toContain('step open-session.initialize');
  });

  it('escalate: the same violation warns before the escalation revision and fails from it', async () => {
    const s = scenario([
      ...HEAD, ...check('a', 'SHOULD', ['    escalate: { from: "2025-06-18", level: MUST }']),
      'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 } }',
    ]);
    const t = fake(() => ({ status: 500 })).transport;
    expect((await verdicts(s, t, { protocolVersion: '2025-03-26' })).v).toEqual({ a: 'warn' });
    const { v, o } = await verdicts(s, t, { protocolVersion: '2025-06-18' });
    expect(v).toEqual({ a: 'fail' });
    expect(o.checks[0]!.level).toBe('MUST');
  });

  it('a window read goes to the transport with its window, and streamEnd sees how it ended', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), 'holds: [get-stream]',
      'steps:', '  - id: g', '    http: { method: GET, windowMs: 250 }', '    expect: { a: { streamEnd: open } }',
    ]);
    const f = fake(() => ({ status: 200, windowEnd: 'window' }));
    const { v } = await verdicts(s, f.transport);
    expect(f.calls[0]!.spec.windowMs).toBe(250);
    expect(v).toEqual({ a: 'pass' });
  });

  it('a broken exchange makes every pending check an error with the kind of the bound hit, unless a rung asks for it', async () => {
    const plain = scenario([...HEAD, ...check('a'), ...check('b'), 'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 }, b: { status: 200 } }']);
    for (const kind of ['timeout', 'size-limit', 'connection'] as const) {
      const { v, o } = await verdicts(plain, fake(() => ({ error: kind })).transport);
      expect(v).toEqual({ a: `error (${kind})`, b: `error (${kind})` });
      expect(o.checks[0]!.observed).toBe(`step p: ${kind}: fake ${kind}`);
    }
    const explicit = scenario([
      ...HEAD, ...check('a', 'INFO'),
      'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }',
      '    outcomes:', '      - when: { transportError: connection }', '        record: { a: info }', '      - otherwise: true', '        record: { a: pass }',
    ]);
    expect((await verdicts(explicit, fake(() => ({ error: 'connection' })).transport)).v).toEqual({ a: 'info' });
    expect((await verdicts(explicit, fake(() => ({ error: 'timeout' })).transport)).v).toEqual({ a: 'error (timeout)' });
  });

  it('a check no step decides is an error (not-decided), never a pass', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), ...check('b'),
      'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }',
      '    outcomes:', '      - when: { status: 200 }', '        record: { a: pass }', '      - when: { status: 404 }', '        record: { b: pass }',
    ]);
    expect((await verdicts(s, fake((_s, body) => result(body, {})).transport)).v).toEqual({ a: 'pass', b: 'error (not-decided)' });
  });

  it('a revision the server does not negotiate: every check not-applicable, nothing sent; the transport is closed after the verdicts', async () => {
    const s = scenario([...HEAD, ...check('a'), 'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 } }']);
    const f = fake((_s, body) => result(body, {}));
    const { v, o } = await verdicts(s, f.transport, { revision: { requested: '2025-11-25', support: 'not-supported', answered: '2025-06-18', observed: 'protocolVersion 2025-06-18' } });
    expect(v).toEqual({ a: 'not-applicable (version-not-supported-by-server)' });
    expect(o.checks[0]!.observed).toBe('initialize at 2025-11-25 was answered with protocolVersion 2025-06-18: the server does not negotiate 2025-11-25, so its rules do not apply');
    expect(f.calls).toHaveLength(0);
    const g = fake((_s, body) => result(body, {}));
    await verdicts(s, g.transport);
    expect(g.closed()).toBe(true);
    // An interrupted run abandons everything: no clean-up traffic.
    const h = fake((_s, body) => result(body, {}));
    const ac = new AbortController();
    ac.abort('run-interrupted');
    expect((await verdicts(s, h.transport, { signal: ac.signal })).v).toEqual({ a: 'skipped (run-interrupted)' });
    expect(h.closed()).toBe(false);
  });

  it('a transport-neutral scenario: send steps go through the transport as messages, session capture and accepted work', async () => {
    const s = scenario([
      ...HEAD, ...check('a'), ...check('b'), 'transports: [streamable-http, stdio]',
      'steps:',
      '  - use: open-session',
      '  - id: ping',
      '    send: { method: ping }',
      '    expect: { a: { accepted: true, result: present } }',
      '  - id: unknown',
      '    send: { method: nonexistent/method }',
      '    expect: { b: { accepted: false, error: { code: -32601 } } }',
    ]);
    const f = fake((spec, body) => {
      const m = spec.jsonrpc?.method;
      if (m === 'initialize') return { ...result(body, { protocolVersion: '2025-11-25', capabilities: {} }), headers: { 'mcp-session-id': 'S-9' } };
      if (m === 'notifications/initialized') return { status: 202 };
      if (m === 'nonexistent/method') return { status: 200, json: { jsonrpc: '2.0', id: body!.id, error: { code: -32601, message: 'Method not found' } } };
      return result(body, {});
    });
    const { v, o } = await verdicts(s, f.transport);
    expect(v).toEqual({ a: 'pass', b: 'pass' });
    expect(f.messages).toEqual(['initialize', 'notifications/initialized', 'ping', 'nonexistent/method']);
    expect(o.run.captures).toMatchObject({ sessionId: 'S-9', negotiatedVersion: '2025-11-25' });
    // A refusal by status is not accepted either; a broken exchange is neither accepted nor refused.
    const refused = await verdicts(s, fake((spec, body) => (spec.jsonrpc?.method === 'ping' ? { status: 400 } : spec.jsonrpc?.method === 'notifications/initialized' ? { status: 202 } : result(body, { protocolVersion: '2025-11-25' }))).transport);
    expect(refused.v.a).toBe('fail');
  });

  it('a scenario for other transports is not-applicable over this one, and sends nothing', async () => {
    const httpOnly = scenario([...HEAD, ...check('a'), 'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 } }']);
    const f = fake(() => ({ status: 200 }), 'stdio');
    const { v, o } = await verdicts(httpOnly, f.transport);
    expect(v).toEqual({ a: 'not-applicable (transport-http-only)' });
    expect(o.checks[0]!.observed).toBe('the scenario applies to streamable-http; this run speaks stdio');
    expect(f.calls).toHaveLength(0);
  });

  it('steps, rungs and checks may narrow the transports: skipped steps send nothing, skipped rungs are passed over, narrowed checks are not-applicable', async () => {
    const lines = [
      ...HEAD, ...check('a'), ...check('b'),
      '  - id: c', '    title: c', '    level: MUST', '    requirements: [LIFE-INIT-002]', '    spec: basic/lifecycle', '    transports: [streamable-http]',
      'transports: [streamable-http, stdio]',
      'steps:',
      '  - id: garbage',
      "    send: { raw: '{\"jsonrpc\":' }",
      '    outcomes:',
      '      - when: { error: { code: -32700 } }',
      '        record: { a: pass }',
      '      - when: { status: 4xx, error: absent }',
      '        transports: [streamable-http]',
      '        record: { a: warn }',
      '      - otherwise: true',
      '        record: { a: fail }',
      '  - id: http-only',
      '    transports: [streamable-http]',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { c: { status: 200 } }',
      '  - id: ping',
      '    send: { method: ping, session: none }',
      '    expect: { b: { result: present } }',
    ];
    const s = scenario(lines);
    const answer = (spec: HttpRequestSpec, body: Record<string, unknown> | undefined): Answer => (spec.body !== undefined ? { status: 400 } : result(body, {}));
    const overHttp = fake(answer);
    expect((await verdicts(s, overHttp.transport)).v).toEqual({ a: 'warn', b: 'pass', c: 'pass' });
    // session: none goes out without session headers (the bare preset).
    expect(overHttp.calls.at(-1)!.spec.preset).toBe('bare');
    const overStdio = fake(answer, 'stdio');
    const { v, o } = await verdicts(s, overStdio.transport);
    expect(v).toEqual({ a: 'fail', b: 'pass', c: 'not-applicable (transport-http-only)' });
    expect(o.checks.find((c) => c.id.endsWith('/c'))!.observed).toBe('the check applies to streamable-http; this run speaks stdio');
    expect(overStdio.messages).toEqual(['raw:{"jsonrpc":', 'ping']);
    // A rung, step or check may not name a transport its scenario does not list.
    expect(() => scenario([...HEAD, ...check('a'), 'steps:', '  - id: p', '    transports: [stdio]', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 } }'])).toThrow(/transport "stdio" is not one of the scenario's transports/);
    // Outside a narrowed step or rung, a neutral scenario may not ask for HTTP facts.
    expect(() => scenario([...HEAD, ...check('a'), 'transports: [streamable-http, stdio]', 'steps:', '  - id: p', '    send: { method: ping }', '    outcomes:', '      - when: { status: 4xx }', '        record: { a: pass }', '      - otherwise: true', '        record: { a: fail }'])).toThrow(/the matcher "status" is Streamable HTTP only/);
  });

  it('a target discovery got no answer from: the root-cause check is error, the rest blocked, nothing sent', async () => {
    const s = scenario([...HEAD, ...check('a'), ...check('b'), 'steps:', '  - id: p', '    http: { jsonrpc: { method: ping } }', '    expect: { a: { status: 200 }, b: { status: 200 } }']);
    const f = fake(() => ({ status: 200 }));
    const observed = 'discovery: initialize at 2025-11-25 got no answer (timeout: no complete answer before the deadline), so no scenario was run';
    const { v, o } = await verdicts(s, f.transport, { unanswered: { check: 'test.runner.fake/a', kind: 'timeout', observed } });
    expect(v).toEqual({ a: 'error (timeout)', b: 'blocked (target-not-answering)' });
    expect(o.checks.every((c) => c.observed === observed)).toBe(true);
    expect(f.calls).toHaveLength(0);
  });
});

describe('response ids (BASE-004)', () => {
  it('an answer whose id matches no request in flight fails what its step found wrong, naming both ids; an answer to another request still open is interleaving', async () => {
    const s = scenario([
      ...HEAD, ...check('interleaved'), ...check('stray-must'), ...check('stray-should', 'SHOULD'), ...check('status-only'),
      'steps:',
      '  - id: unanswered',
      '    http: { jsonrpc: { method: ping } }',
      '  - id: second',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { interleaved: { result: present } }',
      '  - id: third',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { stray-should: { result: present }, status-only: { status: 200 } }',
      '    outcomes:',
      '      - when: { result: present }',
      '        record: { stray-must: pass }',
      '      - otherwise: true',
      '        record: { stray-must: info }',
    ]);
    // Request 1 gets an empty 200 (still in flight); request 2 is answered with request 1's response (legitimate
    // interleaving, but not its own answer); request 3 with a response to id 99, which nobody asked.
    const f = fake((_spec, body) => (body?.id === 1 ? { status: 200 } : { status: 200, json: { jsonrpc: '2.0', id: body?.id === 2 ? 1 : 99, result: {} } }));
    const { v, o } = await verdicts(s, f.transport);
    expect(v).toEqual({ interleaved: 'fail', 'stray-must': 'fail', 'stray-should': 'warn', 'status-only': 'pass' });
    const by = Object.fromEntries(o.checks.map((c) => [c.id.split('/')[1]!, c]));
    expect(by.interleaved!.observed).not.toMatch(/BASE-004/);
    for (const id of ['stray-must', 'stray-should']) {
      expect(by[id]!.observed).toMatch(/the response's id 99 matches no request in flight \(the request's id is 3\): BASE-004/);
      expect(by[id]!.expected).toBe("a JSON-RPC response with the request's id 3 (BASE-004)");
    }
  });

  it('a response to a request already answered is not in flight any more', async () => {
    const s = scenario([
      ...HEAD, ...check('a'),
      'steps:',
      '  - id: first',
      '    http: { jsonrpc: { method: ping } }',
      '  - id: second',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { a: { result: present } }',
    ]);
    const { v, o } = await verdicts(s, fake(() => ({ status: 200, json: { jsonrpc: '2.0', id: 1, result: {} } })).transport);
    expect(v).toEqual({ a: 'fail' });
    expect(o.checks[0]!.observed).toMatch(/the response's id 1 matches no request in flight \(the request's id is 2\)/);
  });
});
