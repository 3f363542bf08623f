/**
 * The stream-probe helpers: JSON-RPC classifiers, the contract result
 * parser, echo comparison, stream-state classification, and watching a live
 * SSE stream (head, messages as they come, early stop, end by the server).
 */
import { describe, it, expect, afterEach } from 'vitest';
import type { Agent } from 'undici';
import { createAgent, exchange, type Exchange } from '../transport/http.js';
import type { ExchangeRecord } from '../model/results.js';
import type { ProbeContext } from './types.js';
import { echoMismatches, emittedMethods, isNotification, isResponse, watchStream } from './stream-watch.js';
import { methodsSeen, sessionOnly, streamsState } from './isolation.js';
import { intParam } from './params.js';
import { countNotifications } from './streams.js';
import { loopbackServers } from '../../fixtures/loopback.js';

describe('classifiers', () => {
  it('tells responses from notifications and requests', () => {
    expect(isResponse({ jsonrpc: '2.0', id: 1, result: {} })).toBe(true);
    expect(isResponse({ jsonrpc: '2.0', id: null, error: { code: -32700 } })).toBe(true);
    expect(isResponse({ jsonrpc: '2.0', method: 'notifications/message' })).toBe(false);
    expect(isResponse([{ id: 1, result: {} }])).toBe(false);
    expect(isNotification({ jsonrpc: '2.0', method: 'notifications/message' })).toBe(true);
    expect(isNotification({ jsonrpc: '2.0', id: 3, method: 'ping' })).toBe(false);
    expect(isNotification(null)).toBe(false);
  });

  it('reads the notification methods a contract result names', () => {
    const r = { content: [{ type: 'text', text: 'sent: notifications/message, notifications/tools/list_changed' }] };
    expect(emittedMethods(r)).toEqual(['notifications/message', 'notifications/tools/list_changed']);
    expect(emittedMethods({ content: [{ type: 'text', text: 'sent: nothing' }] })).toEqual([]);
    expect(emittedMethods({ content: [{ type: 'image', data: 'notifications/message' }] })).toEqual([]);
    expect(emittedMethods(undefined)).toEqual([]);
    expect(emittedMethods({ content: [{ type: 'text', text: 'notifications/message notifications/message' }] })).toEqual(['notifications/message']);
  });

  it('finds emitted methods among timed or plain messages', () => {
    const msgs = [{ jsonrpc: '2.0', method: 'notifications/message' }, { jsonrpc: '2.0', id: 1, result: {} }];
    expect(methodsSeen(['notifications/message', 'notifications/tools/list_changed'], msgs)).toEqual(['notifications/message']);
    expect(methodsSeen(['notifications/message'], msgs.map((message) => ({ at: 0, message })))).toEqual(['notifications/message']);
    // A request with the same method is not a notification.
    expect(methodsSeen(['notifications/message'], [{ jsonrpc: '2.0', id: 9, method: 'notifications/message' }])).toEqual([]);
  });

  it('classifies the two GET streams', () => {
    const open = { status: 200, isSse: true, endedBy: 'stopped' };
    expect(streamsState(open, open)).toBe('open');
    expect(streamsState(open, { status: 405, isSse: false })).toBe('no-get-stream');
    expect(streamsState({ status: 409, isSse: false }, open)).toBe('not-opened');
    expect(streamsState(open, { status: 200, isSse: true, endedBy: 'server' })).toBe('closed-early');
    expect(streamsState({ status: null, isSse: false }, open)).toBe('not-opened');
  });

  it('reports echoed session IDs that differ from the request’s', () => {
    const ex = (sent: string | undefined, echoed: string | undefined, step = 's'): Exchange => ({
      record: {
        seq: 0,
        step,
        startedAt: '',
        durationMs: 0,
        request: { method: 'POST', url: 'u', headers: sent === undefined ? {} : { 'Mcp-Session-Id': sent } },
        response: { status: 200, headers: echoed === undefined ? {} : { 'mcp-session-id': echoed }, bytes: 0 },
      } as ExchangeRecord,
      messages: [],
      unparsedEvents: [],
    });
    expect(echoMismatches([ex('a', 'a'), ex('a', undefined), ex(undefined, 'new')])).toEqual([]);
    expect(echoMismatches([ex('a', 'b', 'x')])).toEqual([{ step: 'x', method: 'POST', sent: 'a', echoed: 'b' }]);
  });

  it('parses integer parameters with a default and a cap', () => {
    expect(intParam(undefined, 5, 10)).toBe(5);
    expect(intParam('7', 5, 10)).toBe(7);
    expect(intParam(70, 5, 10)).toBe(10);
    expect(intParam(0, 5, 10)).toBe(5);
    expect(intParam(1.5, 5, 10)).toBe(5);
  });
});

describe('watchStream', () => {
  const { serve, closeAll } = loopbackServers();
  const agents: Agent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.close();
    await closeAll();
  });

  /** A minimal ProbeContext over `exchange` (no presets). */
  function probeContext(url: string): ProbeContext {
    const agent = createAgent();
    agents.push(agent);
    return {
      params: {},
      transport: 'streamable-http',
      message: () => Promise.reject(new Error('this probe speaks HTTP only')),
      protocolVersion: '2025-11-25',
      request: (spec, opts) =>
        exchange(
          agent,
          { method: spec.method ?? 'GET', url, headers: { Accept: 'text/event-stream' } },
          spec.windowMs !== undefined ? { kind: 'window', windowMs: spec.windowMs } : { kind: 'response' },
          { timeoutMs: 30_000, maxResponseBytes: 1024 * 1024 },
          0,
          'test',
          undefined,
          opts?.watch,
        ),
      record: () => undefined,
      once: (_key, fn) => fn(),
      idle: (work) => work(),
    };
  }

  it('sees the head and messages while the stream is open, and stop() ends it without error', async () => {
    let push: ((data: string) => void) | undefined;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
      push = (data) => res.write(`event: message\ndata: ${data}\n\n`);
    });
    const w = watchStream(probeContext(url), { method: 'GET', windowMs: 30_000 });
    const head = await w.head;
    expect(head).toMatchObject({ status: 200, isSse: true });
    push!(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } }));
    const seen = await w.waitFor((ms) => ms.length === 1, 30_000);
    expect(seen).toBe(true);
    expect(w.ended).toBeUndefined();
    w.stop();
    const end = await w.done;
    expect(end.by).toBe('stopped');
    expect(end.ex.record.error).toBeUndefined();
    expect(end.ex.messages).toHaveLength(1);
  });

  it('reports a stream the server ends as ended by the server', async () => {
    let finish: (() => void) | undefined;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
      finish = () => res.end();
    });
    const w = watchStream(probeContext(url), { method: 'GET', windowMs: 30_000 });
    await w.head;
    finish!();
    const end = await w.done;
    expect(end.by).toBe('server');
    // waitFor returns at once (false) once the stream has ended.
    expect(await w.waitFor(() => false, 30_000)).toBe(false);
  });

  it('resolves the head of a non-SSE answer and marks it as not SSE', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(405, { 'Content-Type': 'application/json' });
      res.end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"Method not allowed"},"id":null}');
    });
    const w = watchStream(probeContext(url), { method: 'GET', windowMs: 30_000 });
    expect(await w.head).toMatchObject({ status: 405, isSse: false });
    expect((await w.done).by).toBe('server');
  });

  it('gives up on a head that does not come within headWithinMs, without an error', async () => {
    const url = await serve(() => {
      /* never answers */
    });
    const w = watchStream(probeContext(url), { method: 'GET', windowMs: 30_000 }, { headWithinMs: 50 });
    expect(await w.head).toBeUndefined();
    const end = await w.done;
    expect(end.by).toBe('stopped');
    expect(end.ex.record.error).toBeUndefined();
    expect(end.ex.record.response).toBeUndefined();
  });

  it('resolves the head as undefined when the connection fails', async () => {
    const url = await serve((req) => req.socket.destroy());
    const w = watchStream(probeContext(url), { method: 'GET', windowMs: 30_000 });
    expect(await w.head).toBeUndefined();
    expect((await w.done).by).toBe('error');
  });
});

describe('sessionOnly', () => {
  it('leaves out list_changed notifications, which may go to every session', () => {
    expect(sessionOnly(['notifications/message', 'notifications/tools/list_changed', 'notifications/resources/list_changed'])).toEqual(['notifications/message']);
  });
});

describe('countNotifications', () => {
  it('counts notifications by method across streams, ignoring requests, responses and other methods', () => {
    const n = (method: string) => ({ jsonrpc: '2.0', method });
    const msgs = [n('notifications/message'), n('notifications/message'), n('toString'), { jsonrpc: '2.0', id: 1, method: 'notifications/message' }, { jsonrpc: '2.0', id: 2, result: {} }];
    expect(countNotifications(['notifications/message', 'notifications/tools/list_changed'], msgs)).toEqual({
      'notifications/message': 2,
      'notifications/tools/list_changed': 0,
    });
  });
});
