import { describe, it, expect } from 'vitest';
import { matches, valueOk, resolvePointer, describeMatcher, describeObservation, quoteBody, QUOTED_BODY_CHARS, type Observation } from './match.js';
import type { ExchangeRecord, ExchangeErrorKind } from '../model/results.js';
import type { Matcher } from '../model/scenario.js';

function record(response?: Partial<NonNullable<ExchangeRecord['response']>>, error?: { kind: ExchangeErrorKind; message: string }): ExchangeRecord {
  return {
    seq: 0,
    step: 'step',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 5,
    request: { method: 'POST', url: 'http://127.0.0.1:1/mcp', headers: { 'Content-Type': 'application/json' }, body: '{}' },
    ...(response ? { response: { status: 200, headers: {}, bytes: 0, ...response } } : {}),
    ...(error ? { error } : {}),
  };
}

const rpcResult = { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'srv', version: '1.0' } } };
const rpcError = { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } };

/** An HTTP 200 JSON answer carrying `subject`. */
function okObs(subject: unknown = rpcResult, headers: Record<string, string> = {}, captures: Record<string, unknown> = {}): Observation {
  const body = JSON.stringify(subject);
  return {
    record: record({ status: 200, headers: { 'content-type': 'application/json', ...headers }, body, bytes: body.length }),
    subject,
    captures,
  };
}

function statusObs(status: number, bytes = 0, headers: Record<string, string> = {}): Observation {
  return { record: record({ status, headers, bytes }), captures: {} };
}

function failedObs(kind: ExchangeErrorKind): Observation {
  return { record: record(undefined, { kind, message: `${kind} happened` }), captures: {} };
}

describe('resolvePointer', () => {
  const doc = { a: { 'b/c': 1, 'm~n': 2, '': 3, list: [10, { x: 'y' }] }, '': 'root-empty' };

  it('resolves objects, array indices and RFC 6901 escapes', () => {
    expect(resolvePointer(doc, '')).toBe(doc);
    expect(resolvePointer(doc, '/')).toBe('root-empty');
    expect(resolvePointer(doc, '/a/b~1c')).toBe(1);
    expect(resolvePointer(doc, '/a/m~0n')).toBe(2);
    expect(resolvePointer(doc, '/a/')).toBe(3);
    expect(resolvePointer(doc, '/a/list/0')).toBe(10);
    expect(resolvePointer(doc, '/a/list/1/x')).toBe('y');
    // "~01" decodes to "~1", not "/".
    expect(resolvePointer({ '~1': 'tilde-one', '/': 'slash' }, '/~01')).toBe('tilde-one');
  });

  it('gives undefined for paths that do not exist', () => {
    expect(resolvePointer(doc, '/nope')).toBeUndefined();
    expect(resolvePointer(doc, '/a/list/2')).toBeUndefined();
    expect(resolvePointer(doc, '/a/list/-')).toBeUndefined();
    expect(resolvePointer(doc, '/a/list/x')).toBeUndefined();
    expect(resolvePointer(doc, '/a/b~1c/deeper')).toBeUndefined();
    expect(resolvePointer(undefined, '/a')).toBeUndefined();
    expect(resolvePointer(null, '/a')).toBeUndefined();
    // Inherited properties are not part of the document.
    expect(resolvePointer({}, '/constructor')).toBeUndefined();
    expect(resolvePointer([], '/length')).toBeUndefined();
  });
});

describe('valueOk', () => {
  it('handles present / absent', () => {
    expect(valueOk('x', 'present')).toBe(true);
    expect(valueOk(null, 'present')).toBe(true);
    expect(valueOk(undefined, 'present')).toBe(false);
    expect(valueOk(undefined, 'absent')).toBe(true);
    expect(valueOk(0, 'absent')).toBe(false);
  });

  it('treats a bare scalar as equals, type-sensitively', () => {
    expect(valueOk('abc', 'abc')).toBe(true);
    expect(valueOk('abd', 'abc')).toBe(false);
    expect(valueOk(5, 5)).toBe(true);
    expect(valueOk('5', 5)).toBe(false);
    expect(valueOk(true, true)).toBe(true);
    expect(valueOk('true', true)).toBe(false);
    expect(valueOk(null, null)).toBe(true);
    expect(valueOk(undefined, null)).toBe(false);
  });

  it('handles equals / notEquals with deep values', () => {
    expect(valueOk({ a: [1, 2] }, { equals: { a: [1, 2] } })).toBe(true);
    expect(valueOk({ a: [2, 1] }, { equals: { a: [1, 2] } })).toBe(false);
    expect(valueOk(undefined, { equals: null })).toBe(false);
    expect(valueOk('x', { notEquals: 'y' })).toBe(true);
    expect(valueOk('y', { notEquals: 'y' })).toBe(false);
    expect(valueOk(undefined, { notEquals: 'y' })).toBe(true);
  });

  it('compares objects regardless of key order', () => {
    expect(valueOk({ b: 2, a: 1 }, { equals: { a: 1, b: 2 } })).toBe(true);
    expect(valueOk({ x: { d: 4, c: 3 } }, { in: [{ x: { c: 3, d: 4 } }] })).toBe(true);
    expect(valueOk({ b: 2, a: 1 }, { notEquals: { a: 1, b: 2 } })).toBe(false);
    expect(valueOk({ a: 1 }, { equals: { a: 1, b: 2 } })).toBe(false);
    expect(valueOk({ a: 1, b: undefined }, { equals: { a: 1, b: 2 } })).toBe(false);
    expect(valueOk([1, 2], { equals: { 0: 1, 1: 2 } })).toBe(false);
  });

  it('handles in / notIn', () => {
    expect(valueOk('2025-06-18', { in: ['2025-03-26', '2025-06-18'] })).toBe(true);
    expect(valueOk('2024-11-05', { in: ['2025-03-26', '2025-06-18'] })).toBe(false);
    expect(valueOk(undefined, { in: ['a'] })).toBe(false);
    expect(valueOk('a', { notIn: ['a', 'b'] })).toBe(false);
    expect(valueOk('c', { notIn: ['a', 'b'] })).toBe(true);
  });

  it('handles pattern (strings only, unicode mode)', () => {
    expect(valueOk('abc-123', { pattern: '^[a-z]+-\\d+$' })).toBe(true);
    expect(valueOk('ABC-123', { pattern: '^[a-z]+-\\d+$' })).toBe(false);
    expect(valueOk(123, { pattern: '^\\d+$' })).toBe(false);
    expect(valueOk(undefined, { pattern: '.*' })).toBe(false);
    expect(valueOk('😀', { pattern: '^.$' })).toBe(true);
    expect(valueOk('visible!~', { pattern: '^[\\x21-\\x7E]+$' })).toBe(true);
    expect(valueOk('has space', { pattern: '^[\\x21-\\x7E]+$' })).toBe(false);
    expect(valueOk('has space', { pattern: '^[\\x20-\\x7E]+$' })).toBe(true);
  });

  it('handles type, with integer distinct from number', () => {
    expect(valueOk('s', { type: 'string' })).toBe(true);
    expect(valueOk(1.5, { type: 'number' })).toBe(true);
    expect(valueOk(1.5, { type: 'integer' })).toBe(false);
    expect(valueOk(2, { type: 'integer' })).toBe(true);
    expect(valueOk('2', { type: 'integer' })).toBe(false);
    expect(valueOk(false, { type: 'boolean' })).toBe(true);
    expect(valueOk({}, { type: 'object' })).toBe(true);
    expect(valueOk([], { type: 'object' })).toBe(false);
    expect(valueOk(null, { type: 'object' })).toBe(false);
    expect(valueOk([], { type: 'array' })).toBe(true);
    expect(valueOk(null, { type: 'null' })).toBe(true);
    expect(valueOk(undefined, { type: 'null' })).toBe(false);
  });

  it('handles class, for numbers only', () => {
    expect(valueOk(404, { class: '4xx' })).toBe(true);
    expect(valueOk(499, { class: '4xx' })).toBe(true);
    expect(valueOk(500, { class: '4xx' })).toBe(false);
    expect(valueOk('404', { class: '4xx' })).toBe(false);
    expect(valueOk(undefined, { class: '4xx' })).toBe(false);
  });

  it('handles present: true/false in object form', () => {
    expect(valueOk('x', { present: true })).toBe(true);
    expect(valueOk(undefined, { present: true })).toBe(false);
    expect(valueOk(undefined, { present: false })).toBe(true);
    expect(valueOk('x', { present: false })).toBe(false);
  });

  it('handles minLength for strings and arrays', () => {
    expect(valueOk('abc', { minLength: 3 })).toBe(true);
    expect(valueOk('ab', { minLength: 3 })).toBe(false);
    expect(valueOk([1], { minLength: 1 })).toBe(true);
    expect(valueOk([], { minLength: 1 })).toBe(false);
    expect(valueOk('', { minLength: 0 })).toBe(true);
    expect(valueOk(12345, { minLength: 1 })).toBe(false);
    expect(valueOk(undefined, { minLength: 0 })).toBe(false);
  });

  it('combines several keys with AND', () => {
    const vm = { type: 'string', minLength: 1, pattern: '^[a-f0-9-]+$', notEquals: 'dead' } as const;
    expect(valueOk('abc-1', vm)).toBe(true);
    expect(valueOk('', vm)).toBe(false);
    expect(valueOk('dead', vm)).toBe(false);
    expect(valueOk('XYZ', vm)).toBe(false);
  });
});

describe('matches', () => {
  it('status: code, numeric string, class and list', () => {
    expect(matches({ status: 200 }, statusObs(200))).toBe(true);
    expect(matches({ status: 200 }, statusObs(202))).toBe(false);
    expect(matches({ status: '404' }, statusObs(404))).toBe(true);
    expect(matches({ status: '404' }, statusObs(405))).toBe(false);
    expect(matches({ status: '2xx' }, statusObs(204))).toBe(true);
    expect(matches({ status: '2xx' }, statusObs(301))).toBe(false);
    expect(matches({ status: [400, '404', '5xx'] }, statusObs(404))).toBe(true);
    expect(matches({ status: [400, '404', '5xx'] }, statusObs(503))).toBe(true);
    expect(matches({ status: [400, '404', '5xx'] }, statusObs(401))).toBe(false);
  });

  it('status never matches without a response or after a transport error', () => {
    expect(matches({ status: '2xx' }, { captures: {} })).toBe(false);
    expect(matches({ status: '2xx' }, failedObs('timeout'))).toBe(false);
    const broken: Observation = { record: record({ status: 200 }, { kind: 'size-limit', message: 'too big' }), captures: {} };
    expect(matches({ status: 200 }, broken)).toBe(false);
  });

  it('header: present / absent / pattern, names case-insensitive', () => {
    const o = statusObs(200, 0, { 'mcp-session-id': 'abc123', 'content-type': 'application/json' });
    expect(matches({ header: { 'Mcp-Session-Id': 'present' } }, o)).toBe(true);
    expect(matches({ header: { 'MCP-SESSION-ID': 'abc123' } }, o)).toBe(true);
    expect(matches({ header: { 'mcp-session-id': 'absent' } }, o)).toBe(false);
    expect(matches({ header: { 'X-Other': 'absent' } }, o)).toBe(true);
    expect(matches({ header: { 'X-Other': 'present' } }, o)).toBe(false);
    expect(matches({ header: { 'Mcp-Session-Id': { pattern: '^[a-z0-9]+$' } } }, o)).toBe(true);
    expect(matches({ header: { 'Mcp-Session-Id': { pattern: '^\\d+$' } } }, o)).toBe(false);
    // Every named header must hold.
    expect(matches({ header: { 'Mcp-Session-Id': 'present', 'X-Other': 'present' } }, o)).toBe(false);
    // No response at all: a header matcher fails, even `absent`.
    expect(matches({ header: { 'X-Other': 'absent' } }, failedObs('connection'))).toBe(false);
  });

  it('mediaType ignores parameters and case', () => {
    const o = statusObs(200, 10, { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(matches({ mediaType: ['application/json'] }, o)).toBe(true);
    expect(matches({ mediaType: ['text/event-stream', 'APPLICATION/json'] }, o)).toBe(true);
    expect(matches({ mediaType: ['text/event-stream'] }, o)).toBe(false);
    expect(matches({ mediaType: ['application/json'] }, statusObs(200, 10))).toBe(false);
    expect(matches({ mediaType: ['application/json'] }, { captures: {} })).toBe(false);
  });

  it('body: empty / nonempty', () => {
    expect(matches({ body: 'empty' }, statusObs(202, 0))).toBe(true);
    expect(matches({ body: 'nonempty' }, statusObs(202, 0))).toBe(false);
    expect(matches({ body: 'nonempty' }, statusObs(200, 17))).toBe(true);
    expect(matches({ body: 'empty' }, statusObs(200, 17))).toBe(false);
    expect(matches({ body: 'empty' }, failedObs('timeout'))).toBe(false);
  });

  it('result: present / absent', () => {
    expect(matches({ result: 'present' }, okObs(rpcResult))).toBe(true);
    expect(matches({ result: 'absent' }, okObs(rpcResult))).toBe(false);
    expect(matches({ result: 'present' }, okObs(rpcError))).toBe(false);
    expect(matches({ result: 'absent' }, okObs(rpcError))).toBe(true);
    // A batch array or no subject has no result.
    expect(matches({ result: 'absent' }, okObs([rpcResult]))).toBe(true);
    expect(matches({ result: 'present' }, statusObs(202))).toBe(false);
  });

  it('error: present / absent / code / code list', () => {
    expect(matches({ error: 'present' }, okObs(rpcError))).toBe(true);
    expect(matches({ error: 'absent' }, okObs(rpcError))).toBe(false);
    expect(matches({ error: 'present' }, okObs(rpcResult))).toBe(false);
    expect(matches({ error: 'absent' }, okObs(rpcResult))).toBe(true);
    expect(matches({ error: { code: -32601 } }, okObs(rpcError))).toBe(true);
    expect(matches({ error: { code: -32600 } }, okObs(rpcError))).toBe(false);
    expect(matches({ error: { code: [-32600, -32601] } }, okObs(rpcError))).toBe(true);
    expect(matches({ error: { code: [-32600, -32602] } }, okObs(rpcError))).toBe(false);
    expect(matches({ error: {} }, okObs(rpcError))).toBe(true);
    expect(matches({ error: {} }, okObs(rpcResult))).toBe(false);
    expect(matches({ error: { code: -32601 } }, statusObs(400))).toBe(false);
  });

  it('pointer: values at JSON pointers into the subject, incl. escapes and indices', () => {
    const subject = { result: { 'a/b': { list: ['zero', { n: 1 }] }, 'x~y': true }, id: 7 };
    const o = okObs(subject);
    expect(matches({ pointer: { '/result/a~1b/list/0': 'zero' } }, o)).toBe(true);
    expect(matches({ pointer: { '/result/a~1b/list/1/n': 1 } }, o)).toBe(true);
    expect(matches({ pointer: { '/result/x~0y': true } }, o)).toBe(true);
    expect(matches({ pointer: { '/result/a~1b/list/2': 'absent' } }, o)).toBe(true);
    expect(matches({ pointer: { '/result/a/b': 'present' } }, o)).toBe(false);
    expect(matches({ pointer: { '/id': { type: 'integer' }, '/result/a~1b/list': { minLength: 2 } } }, o)).toBe(true);
    expect(matches({ pointer: { '/id': { type: 'integer' }, '/result/a~1b/list': { minLength: 3 } } }, o)).toBe(false);
    expect(matches({ pointer: { '': { type: 'object' } } }, o)).toBe(true);
    // A probe output as subject, with no HTTP record.
    expect(matches({ pointer: { '/distinct': 10 } }, { subject: { distinct: 10, summary: 's' }, captures: {} })).toBe(true);
  });

  it('captured: values of captured variables', () => {
    const o = okObs(rpcResult, {}, { sessionId: 'abc', status: 404 });
    expect(matches({ captured: { sessionId: 'present' } }, o)).toBe(true);
    expect(matches({ captured: { sessionId: 'abc' } }, o)).toBe(true);
    expect(matches({ captured: { sessionId: 'xyz' } }, o)).toBe(false);
    expect(matches({ captured: { other: 'absent' } }, o)).toBe(true);
    expect(matches({ captured: { other: 'present' } }, o)).toBe(false);
    expect(matches({ captured: { status: { class: '4xx' } } }, o)).toBe(true);
  });

  it('transportError: any and each kind', () => {
    const kinds: ExchangeErrorKind[] = ['timeout', 'size-limit', 'connection', 'protocol'];
    for (const k of kinds) {
      expect(matches({ transportError: 'any' }, failedObs(k))).toBe(true);
      for (const j of kinds) expect(matches({ transportError: j }, failedObs(k)), `${j} vs ${k}`).toBe(j === k);
    }
    expect(matches({ transportError: 'any' }, statusObs(200))).toBe(false);
    expect(matches({ transportError: 'any' }, { captures: {} })).toBe(false);
  });

  it('combines keys of one matcher with AND', () => {
    const o = okObs(rpcError);
    expect(matches({ status: 200, error: 'present' }, o)).toBe(true);
    expect(matches({ status: 400, error: 'present' }, o)).toBe(false);
    expect(matches({ status: 200, error: 'absent' }, o)).toBe(false);
  });

  it('not / all / any', () => {
    const o = statusObs(404);
    expect(matches({ not: { status: 404 } }, o)).toBe(false);
    expect(matches({ not: { status: 200 } }, o)).toBe(true);
    expect(matches({ all: [{ status: '4xx' }, { status: 404 }] }, o)).toBe(true);
    expect(matches({ all: [{ status: '4xx' }, { status: 400 }] }, o)).toBe(false);
    expect(matches({ any: [{ status: 400 }, { status: 404 }] }, o)).toBe(true);
    expect(matches({ any: [{ status: 400 }, { status: 401 }] }, o)).toBe(false);
    const nested: Matcher = { any: [{ transportError: 'any' }, { all: [{ status: '4xx' }, { not: { status: 401 } }] }] };
    expect(matches(nested, o)).toBe(true);
    expect(matches(nested, statusObs(401))).toBe(false);
    expect(matches(nested, failedObs('timeout'))).toBe(true);
    // `not` combines with sibling keys.
    expect(matches({ status: '4xx', not: { status: 404 } }, o)).toBe(false);
  });

  it('an empty matcher holds', () => {
    expect(matches({}, statusObs(500))).toBe(true);
  });
});

describe('describeMatcher', () => {
  it('names statuses, errors and values', () => {
    expect(describeMatcher({ status: 404 })).toContain('HTTP 404');
    expect(describeMatcher({ status: [400, '404'] })).toBe('HTTP 400 or 404');
    expect(describeMatcher({ error: { code: [-32600, -32601] } })).toBe('a JSON-RPC error with code -32600 or -32601');
    expect(describeMatcher({ error: { code: -32601 } })).toBe('a JSON-RPC error with code -32601');
    expect(describeMatcher({ error: 'absent' })).toBe('no JSON-RPC error');
    expect(describeMatcher({ result: 'present' })).toBe('a JSON-RPC result');
    expect(describeMatcher({ transportError: 'any' })).toBe('no usable answer');
    expect(describeMatcher({ transportError: 'timeout' })).toBe('a timeout');
    expect(describeMatcher({ mediaType: ['application/json', 'text/event-stream'] })).toBe('Content-Type application/json or text/event-stream');
    expect(describeMatcher({ body: 'empty' })).toBe('empty body');
    expect(describeMatcher({ header: { 'Mcp-Session-Id': 'absent' } })).toBe('header Mcp-Session-Id absent');
    expect(describeMatcher({ header: { 'Mcp-Session-Id': { pattern: '^[\\x21-\\x7E]+$' } } })).toBe('header Mcp-Session-Id matching /^[\\x21-\\x7E]+$/');
    expect(describeMatcher({ pointer: { '/result/protocolVersion': { type: 'string', minLength: 1 } } })).toBe(
      '/result/protocolVersion of type string and of length ≥ 1',
    );
    expect(describeMatcher({ pointer: { '': 5 } })).toBe('(value) = 5');
    expect(describeMatcher({ captured: { sessionId: { present: true, notEquals: 'x', in: ['a', 'b'] } } })).toBe(
      'sessionId present and ≠ "x" and one of "a", "b"',
    );
  });

  it('joins combinators', () => {
    expect(describeMatcher({ status: 200, result: 'present' })).toBe('HTTP 200, a JSON-RPC result');
    expect(describeMatcher({ not: { status: 404 } })).toBe('not (HTTP 404)');
    expect(describeMatcher({ any: [{ status: '4xx' }, { error: 'present' }] })).toBe('either HTTP 4xx, or a JSON-RPC error');
    expect(describeMatcher({ all: [{ status: 200 }, { body: 'nonempty' }] })).toBe('HTTP 200 and nonempty body');
  });
});

describe('describeObservation', () => {
  it('answers a matcher on captured values with those values, not with the last exchange', () => {
    const o = { ...statusObs(202), captures: { deleteStatus: 404 } };
    expect(describeObservation(o, [{ captured: { sessionId: 'present' } }])).toBe('captured sessionId: absent');
    expect(describeObservation(o, [{ not: { captured: { deleteStatus: { class: '2xx' } } } }])).toBe('captured deleteStatus: 404');
    // Mixed with an exchange test, the exchange is evidence again.
    expect(describeObservation(o, [{ status: 202, captured: { deleteStatus: 404 } }])).toBe('HTTP 202, empty body');
  });

  it('shows status, media type and a JSON-RPC error code', () => {
    const text = describeObservation(okObs(rpcError));
    expect(text).toContain('HTTP 200 application/json');
    expect(text).toContain('JSON-RPC error -32601');
    expect(text).toContain('"Method not found"');
  });

  it('shows a JSON-RPC result, an empty body and looked-at headers and pointers', () => {
    expect(describeObservation(okObs(rpcResult))).toBe('HTTP 200 application/json; JSON-RPC result');
    expect(describeObservation(statusObs(202))).toBe('HTTP 202, empty body');
    const o = okObs(rpcResult, { 'mcp-session-id': 'S1' });
    const text = describeObservation(o, [{ header: { 'Mcp-Session-Id': 'present' }, pointer: { '/result/protocolVersion': 'x' } }]);
    expect(text).toContain('mcp-session-id: "S1"');
    expect(text).toContain('/result/protocolVersion = "2025-06-18"');
    expect(describeObservation(statusObs(200, 0), [{ header: { 'X-Missing': 'present' } }])).toContain('x-missing: absent');
  });

  it('shows transport errors and bodies without a JSON-RPC answer', () => {
    expect(describeObservation(failedObs('timeout'))).toBe('timeout: timeout happened');
    expect(describeObservation({ record: record({ status: 500, headers: { 'content-type': 'text/html' }, bytes: 12 }), captures: {} })).toBe(
      'HTTP 500 text/html; no JSON-RPC response in the body: (12 bytes, not recorded)',
    );
    expect(describeObservation({ record: record(), captures: {} })).toBe('no response');
  });

  it('quotes a body the JSON-RPC layer cannot classify, so the cause shows', () => {
    // A 202 to a notification whose body is the JSON value null.
    const nullBody: Observation = { record: record({ status: 202, headers: { 'content-type': 'application/json' }, body: 'null', bytes: 4 }), subject: null, captures: {} };
    expect(describeObservation(nullBody)).toBe('HTTP 202 application/json; no JSON-RPC response in the body: "null"');
    const html = '<html><body>Bad gateway</body></html>';
    expect(describeObservation({ record: record({ status: 502, headers: { 'content-type': 'text/html' }, body: html, bytes: html.length }), captures: {} })).toBe(
      'HTTP 502 text/html; no JSON-RPC response in the body: "<html><body>Bad gateway</body></html>"',
    );
    // Valid JSON that is no JSON-RPC message is quoted as sent, not re-serialised.
    expect(describeObservation(okObs({ foo: 1 }))).toBe('HTTP 200 application/json; no JSON-RPC response in the body: "{\\"foo\\":1}"');
  });

  it('bounds a quoted body and escapes what could disguise it', () => {
    const long = `${'a'.repeat(250)}`;
    const text = describeObservation({ record: record({ status: 200, headers: { 'content-type': 'text/plain' }, body: long, bytes: 250 }), captures: {} });
    expect(text).toBe(`HTTP 200 text/plain; no JSON-RPC response in the body: "${'a'.repeat(200)}"… (250 bytes)`);
    expect(quoteBody('x'.repeat(QUOTED_BODY_CHARS), QUOTED_BODY_CHARS)).toBe(`"${'x'.repeat(QUOTED_BODY_CHARS)}"`);
    // Newlines, quotes and control characters are escaped; so are bidi overrides and zero-width characters.
    expect(quoteBody('a\n"b"\u0000', 7)).toBe('"a\\n\\"b\\"\\u0000"');
    expect(quoteBody('ok\u202Eevil\u200B', 9)).toBe('"ok\\u202eevil\\u200b"');
    // Cut by characters, never inside a surrogate pair.
    expect(quoteBody('😀'.repeat(201), 804)).toBe(`"${'😀'.repeat(200)}"… (804 bytes)`);
  });

  it('shows a result that is not an object as the value it is', () => {
    expect(describeObservation(okObs({ jsonrpc: '2.0', id: 1, result: null }))).toBe('HTTP 200 application/json; JSON-RPC result null');
    expect(describeObservation(okObs({ jsonrpc: '2.0', id: 1, result: 'ok' }))).toBe('HTTP 200 application/json; JSON-RPC result "ok"');
    expect(describeObservation(okObs({ jsonrpc: '2.0', id: 1, result: [] }))).toBe('HTTP 200 application/json; JSON-RPC result []');
    // An object result is named only (its content is what pointers show).
    expect(describeObservation(okObs({ jsonrpc: '2.0', id: 1, result: {} }))).toBe('HTTP 200 application/json; JSON-RPC result');
  });

  it('shows a probe output: the values looked at, then the probe\'s own summary', () => {
    expect(describeObservation({ subject: { summary: 'ok', distinct: 3 }, captures: {} })).toBe('{"summary":"ok","distinct":3}');
    expect(describeObservation({ subject: { summary: 'ok', distinct: 3 }, captures: {} }, [{ pointer: { '/distinct': 3 } }])).toBe('/distinct = 3; ok');
  });
});

describe('message-level matchers', () => {
  const msgs = [
    { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info' } },
    { jsonrpc: '2.0', id: 7, method: 'roots/list' },
    { jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'echo' }, { name: 'conformance_request_client' }] } },
  ];
  const obs: Observation = { ...okObs(msgs[2]), messages: msgs };

  it('anyMessage holds when some message satisfies every pointer test', () => {
    expect(matches({ anyMessage: { '/method': 'roots/list', '/id': 'present' } }, obs)).toBe(true);
    expect(matches({ anyMessage: { '/method': { in: ['sampling/createMessage', 'elicitation/create'] } } }, obs)).toBe(false);
    // Both tests must hold for the same message.
    expect(matches({ anyMessage: { '/method': 'notifications/message', '/id': 'present' } }, obs)).toBe(false);
    expect(matches({ not: { anyMessage: { '/method': 'sampling/createMessage' } } }, obs)).toBe(true);
    expect(matches({ anyMessage: { '/method': 'present' } }, { captures: {} })).toBe(false);
  });

  it('some holds when an array element satisfies every pointer test', () => {
    expect(valueOk(msgs[2]!.result!.tools, { some: { '/name': 'echo' } })).toBe(true);
    expect(valueOk(msgs[2]!.result!.tools, { some: { '/name': 'missing' } })).toBe(false);
    expect(valueOk('echo', { some: { '': 'echo' } })).toBe(false);
    expect(matches({ pointer: { '/result/tools': { some: { '/name': 'conformance_request_client' } } } }, obs)).toBe(true);
  });

  it('onlyKeys holds for objects whose keys are all listed', () => {
    expect(valueOk({}, { onlyKeys: ['_meta'] })).toBe(true);
    expect(valueOk({ _meta: {} }, { onlyKeys: ['_meta'] })).toBe(true);
    expect(valueOk({ ok: true }, { onlyKeys: ['_meta'] })).toBe(false);
    expect(valueOk([], { onlyKeys: [] })).toBe(false);
    expect(valueOk(undefined, { onlyKeys: [] })).toBe(false);
    expect(describeMatcher({ pointer: { '/result': { onlyKeys: [] } } })).toBe('/result an empty object');
  });

  it('describes both, and lists the messages seen when a matcher looked at them', () => {
    const m: Matcher = { anyMessage: { '/method': 'roots/list' } };
    expect(describeMatcher(m)).toBe('a message with /method = "roots/list"');
    expect(describeMatcher({ pointer: { '/result/tools': { some: { '/name': 'echo' } } } })).toBe('/result/tools with an element where /name = "echo"');
    expect(describeObservation(obs, [m])).toContain('messages: notification notifications/message, request roots/list, response 1 (result)');
  });
});

describe('schema matcher (schemas/messages/)', () => {
  it('holds when the subject satisfies the named rule, and not otherwise', () => {
    expect(matches({ schema: 'initialize#/$defs/result-server-info' }, okObs())).toBe(true);
    expect(matches({ schema: 'initialize#/$defs/result-capabilities' }, okObs())).toBe(true);
    const noVersion = { ...rpcResult, result: { ...rpcResult.result, serverInfo: { name: 'srv' } } };
    expect(matches({ schema: 'initialize#/$defs/result-server-info' }, okObs(noVersion))).toBe(false);
    expect(matches({ schema: 'initialize#/$defs/result-protocol-version' }, okObs({ ...rpcResult, result: { ...rpcResult.result, protocolVersion: '' } }))).toBe(false);
    // No answer at all: nothing satisfies a shape rule.
    expect(matches({ schema: 'initialize#/$defs/result-capabilities' }, failedObs('timeout'))).toBe(false);
    expect(matches({ schema: 'jsonrpc#/$defs/error-object' }, okObs(rpcError))).toBe(true);
    expect(matches({ schema: 'jsonrpc#/$defs/error-object' }, okObs({ ...rpcError, error: { code: '-32601', message: 'x' } }))).toBe(false);
    expect(matches({ not: { schema: 'jsonrpc' } }, okObs({ jsonrpc: '1.0', id: 1, result: {} }))).toBe(true);
  });

  it('says what it expects, and what was observed names the broken rule', () => {
    const m: Matcher = { schema: 'initialize#/$defs/result-server-info' };
    expect(describeMatcher(m)).toBe('a message valid against initialize#/$defs/result-server-info');
    const noVersion = { ...rpcResult, result: { ...rpcResult.result, serverInfo: { name: 'srv', version: 3 } } };
    expect(describeObservation(okObs(noVersion), [m])).toMatch(/not valid against initialize#\/\$defs\/result-server-info: \/result\/serverInfo\/version must be string/);
    expect(describeObservation(okObs(), [m])).not.toMatch(/not valid/);
  });

  it('a reference to no schema is an error, never a verdict', () => {
    expect(() => matches({ schema: 'initialize#/$defs/no-such-rule' }, okObs())).toThrow(/no message schema "initialize#\/\$defs\/no-such-rule"/);
  });
});
