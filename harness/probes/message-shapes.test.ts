import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { messageShapesProbe, shapeViolations } from './message-shapes.js';
import type { Exchange } from '../transport/http.js';
import type { ExchangeRecord } from '../model/results.js';
import type { SendSpec, TransportKind } from '../model/scenario.js';
import type { ProbeContext, ProbeSession } from './types.js';

describe('shapeViolations', () => {
  it('accepts well-formed requests, notifications, results and errors', () => {
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, method: 'ping' })).toEqual([]);
    expect(shapeViolations({ jsonrpc: '2.0', id: 'a', method: 'roots/list', params: {} })).toEqual([]);
    expect(shapeViolations({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info' } })).toEqual([]);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, result: {} })).toEqual([]);
    expect(shapeViolations({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })).toEqual([]);
  });

  it('names each rule broken', () => {
    expect(shapeViolations({ jsonrpc: '1.0', id: 1, result: {} })).toEqual(['notJsonRpc']);
    expect(shapeViolations({ jsonrpc: '2.0', foo: 1 })).toEqual(['notJsonRpc']);
    expect(shapeViolations([1, 2])).toEqual(['notJsonRpc']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1 })).toEqual(['resultAndError']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } })).toEqual(['resultAndError']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, error: { code: '-32601', message: 'x' } })).toEqual(['badError']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, error: { code: -32601 } })).toEqual(['badError']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } })).toEqual(['badError']);
    expect(shapeViolations({ jsonrpc: '2.0', id: 3, method: 'notifications/message' })).toEqual(['notificationWithId']);
    expect(shapeViolations({ jsonrpc: '2.0', id: null, method: 'ping' })).toEqual(['notJsonRpc']);
  });
});

/**
 * The rules as the probe wrote them in TypeScript before they became the
 * JSON Schema schemas/messages/jsonrpc.schema.json: the oracle the schema
 * must agree with on every message, so that no verdict moves.
 */
function handWrittenRules(m: unknown): string[] {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return ['notJsonRpc'];
  const msg = m as Record<string, unknown>;
  const isId = (x: unknown) => typeof x === 'string' || (typeof x === 'number' && Number.isInteger(x));
  const out: string[] = [];
  const isRequestOrNotification = typeof msg.method === 'string';
  const isResponse = !('method' in msg) && 'id' in msg;
  if (msg.jsonrpc !== '2.0' || (!isRequestOrNotification && !isResponse)) out.push('notJsonRpc');
  if (isRequestOrNotification && 'id' in msg && !isId(msg.id) && !String(msg.method).startsWith('notifications/')) out.push('notJsonRpc');
  if (isResponse && ('result' in msg) === ('error' in msg)) out.push('resultAndError');
  if ('error' in msg) {
    const e = msg.error as { code?: unknown; message?: unknown } | null;
    if (!e || typeof e !== 'object' || !Number.isInteger(e.code) || typeof e.message !== 'string') out.push('badError');
  }
  if (typeof msg.method === 'string' && msg.method.startsWith('notifications/') && 'id' in msg) out.push('notificationWithId');
  return out;
}

describe('the schema rules agree with the hand-written rules they replace', () => {
  const value = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant([]), fc.constant({}));
  const method = fc.oneof(fc.constantFrom('ping', 'tools/list', 'notifications/message', 'notifications/', 'notification/x', 'roots/list'), value);
  const error = fc.oneof(value, fc.record({ code: fc.oneof(fc.integer(), value), message: fc.oneof(fc.string(), value), data: value }, { requiredKeys: [] }));
  const message = fc.record(
    { jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), value), id: fc.oneof(fc.integer(), fc.string(), value), method, result: value, error, params: value },
    { requiredKeys: [] },
  );

  it('on messages built from the rules\' own keys, and on any JSON value', () => {
    // Through JSON, as the probe sees messages: no undefined, -0 as 0.
    const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
    fc.assert(fc.property(message, (m) => {
      expect(shapeViolations(asJson(m))).toEqual(handWrittenRules(asJson(m)));
    }), { numRuns: 3000 });
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(shapeViolations(v)).toEqual(handWrittenRules(v));
    }), { numRuns: 1000 });
  });
});

/** What the fake target gives back for one message: the messages, and over Streamable HTTP the answer's head. */
interface FakeAnswer {
  messages: unknown[];
  http?: { status: number; headers?: Record<string, string>; bytes?: number; invalidUtf8?: boolean };
  error?: 'timeout';
}

/**
 * A probe context that speaks only transport-neutral messages: `answer` says what each sent message gets
 * back; `request` throws (a probe that lists stdio must never send HTTP requests). `sent` keeps every
 * message with the session option it went with.
 */
function neutralContext(transport: TransportKind, answer: (msg: SendSpec) => FakeAnswer) {
  const sent: Array<{ msg: SendSpec; session?: ProbeSession }> = [];
  const ctx: ProbeContext = {
    params: {},
    protocolVersion: '2025-11-25',
    transport,
    request: () => Promise.reject(new Error('a probe that lists stdio must not send HTTP requests')),
    message: async (msg, opts): Promise<Exchange> => {
      sent.push({ msg, ...(opts?.session ? { session: { ...opts.session } } : {}) });
      const a = answer(msg);
      const record: ExchangeRecord = {
        seq: 0,
        step: 'session',
        startedAt: '',
        durationMs: 1,
        request: { method: transport === 'stdio' ? 'STDIN' : 'POST', url: transport === 'stdio' ? 'stdio:' : 'http://127.0.0.1/mcp', headers: {}, body: JSON.stringify(msg) },
        ...(a.http ? { response: { status: a.http.status, headers: { 'content-type': 'application/json', ...a.http.headers }, bytes: a.http.bytes ?? 0, ...(a.http.invalidUtf8 ? { invalidUtf8: true } : {}) } } : {}),
        ...(a.error ? { error: { kind: a.error, message: 'no answer' } } : {}),
      };
      const json = a.messages.length === 1 ? a.messages[0] : undefined;
      return { record, messages: a.messages, ...(json !== undefined ? { json } : {}), unparsedEvents: [] };
    },
    record: () => undefined,
    once: (_key, fn) => fn(),
      idle: (work) => work(),
  };
  return { ctx, sent };
}

/** A conforming server's answers; `shape` rewrites each message it sends (a message-shape fault). */
function conforming(shape: (m: Record<string, unknown>) => Record<string, unknown> = (m) => m) {
  let id = 0;
  return (msg: SendSpec): unknown[] => {
    const rid = msg.id ?? ++id;
    const out: Array<Record<string, unknown>> = [];
    if (msg.notification) return [];
    if (msg.method === 'initialize') out.push({ jsonrpc: '2.0', id: rid, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' } } });
    else if (msg.method === 'tools/list') out.push({ jsonrpc: '2.0', id: rid, result: { tools: [{ name: 'conformance_emit_notifications' }] } });
    else if (msg.method === 'tools/call') {
      out.push({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } });
      out.push({ jsonrpc: '2.0', id: rid, result: { content: [] } });
    } else if (msg.method === 'nonexistent/method') out.push({ jsonrpc: '2.0', id: rid, error: { code: -32601, message: 'Method not found' } });
    else out.push({ jsonrpc: '2.0', id: rid, result: {} });
    return out.map(shape);
  };
}

describe('message-shapes probe', () => {
  it('over stdio: sends through message() only, the initialize outside any session, the rest in its session, and checks every message', async () => {
    const serve = conforming();
    const { ctx, sent } = neutralContext('stdio', (m) => ({ messages: serve(m) }));
    expect(messageShapesProbe.transports).toEqual(['streamable-http', 'stdio']);
    const { output, error } = await messageShapesProbe.run(ctx);
    expect(error).toBeUndefined();
    expect(sent.map((s) => s.msg.method)).toEqual(['initialize', 'notifications/initialized', 'ping', 'tools/list', 'nonexistent/method', 'tools/call']);
    expect(sent[0]).toEqual({ msg: expect.objectContaining({ id: 1, method: 'initialize' }) });
    expect(sent[0]!.msg.session).toBeUndefined();
    // The rest goes in the session the initialize opened: over stdio the same process, and no session ID.
    for (const s of sent.slice(1)) expect(s.session).toEqual({ negotiatedVersion: '2025-11-25' });
    expect(output).toMatchObject({ sessionOpened: true, exchanges: 6, messages: 6, notJsonRpc: 0, resultAndError: 0, badError: 0, notificationWithId: 0, invalidUtf8: 0 });
  });

  it('over stdio: counts each broken rule on the messages it reads, a message written for a notification included', async () => {
    const serve = conforming((m) => ('error' in m ? { ...m, error: { code: '-32601', message: 'x' } } : m));
    const { ctx } = neutralContext('stdio', (m) =>
      m.notification ? { messages: [] } : m.method === 'ping' ? { messages: [{ jsonrpc: '2.0', id: 9, method: 'notifications/initialized' }, ...serve(m)] } : { messages: serve(m) },
    );
    const { output } = await messageShapesProbe.run(ctx);
    expect(output).toMatchObject({ sessionOpened: true, messages: 7, badError: 1, notificationWithId: 1, notJsonRpc: 0, resultAndError: 0, acceptedNotificationBodies: 0 });
    expect(output.samples).toEqual([expect.stringMatching(/^notificationWithId: /), expect.stringMatching(/^badError: /)]);
  });

  it('over Streamable HTTP: follows the session the initialize answer issued, skips 2xx bodies of notifications, judges UTF-8 of bodies', async () => {
    const serve = conforming();
    const { ctx, sent } = neutralContext('streamable-http', (m) => {
      if (m.method === 'initialize') return { messages: serve(m), http: { status: 200, headers: { 'mcp-session-id': 'abc' }, bytes: 100 } };
      if (m.notification) return { messages: [], http: { status: 202, bytes: 4 } };
      return { messages: serve(m), http: { status: 200, bytes: 50, ...(m.method === 'ping' ? { invalidUtf8: true } : {}) } };
    });
    const { output } = await messageShapesProbe.run(ctx);
    for (const s of sent.slice(1)) expect(s.session).toEqual({ sessionId: 'abc', negotiatedVersion: '2025-11-25' });
    expect(output).toMatchObject({ sessionOpened: true, exchanges: 6, messages: 6, acceptedNotificationBodies: 1, invalidUtf8: 1 });
    expect(output.summary).toMatch(/not judged here: a body on a 2xx answer to a notification \(HTTP 202 to /);
  });

  it('opens no session without an InitializeResult (over Streamable HTTP, without an HTTP 200) and reports a broken initialize as an error', async () => {
    const serve = conforming();
    const refused = neutralContext('streamable-http', (m) => ({ messages: serve(m), http: { status: 400, bytes: 80 } }));
    expect((await messageShapesProbe.run(refused.ctx)).output).toMatchObject({ sessionOpened: false, exchanges: 1 });
    expect(refused.sent).toHaveLength(1);
    const errorAnswer = neutralContext('stdio', (m) => ({ messages: [{ jsonrpc: '2.0', id: m.id, error: { code: -32600, message: 'no' } }] }));
    expect((await messageShapesProbe.run(errorAnswer.ctx)).output).toMatchObject({ sessionOpened: false, messages: 1 });
    const silent = neutralContext('stdio', () => ({ messages: [], error: 'timeout' }));
    const res = await messageShapesProbe.run(silent.ctx);
    expect(res.output.sessionOpened).toBe(false);
    expect(res.error).toEqual({ kind: 'timeout', message: 'no answer' });
  });
});
