import { describe, it, expect } from 'vitest';
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
