import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { shapeViolations } from './message-shapes.js';

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
