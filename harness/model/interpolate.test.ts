import { describe, it, expect } from 'vitest';
import { interpolate, referencedVariables, UnknownVariableError, BUILTIN_VARIABLES } from './interpolate.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('interpolate', () => {
  it('replaces a whole-string reference with the value, keeping its type', () => {
    const vars = { n: 42, obj: { a: [1, 2] }, flag: false, nothing: null, s: 'text' };
    expect(interpolate('{{n}}', vars)).toBe(42);
    expect(interpolate('{{obj}}', vars)).toEqual({ a: [1, 2] });
    expect(interpolate('{{flag}}', vars)).toBe(false);
    expect(interpolate('{{nothing}}', vars)).toBeNull();
    expect(interpolate('{{s}}', vars)).toBe('text');
    // Spaces inside the braces are allowed.
    expect(interpolate('{{  n }}', vars)).toBe(42);
  });

  it('stringifies values embedded in a longer string', () => {
    const vars = { n: 42, obj: { a: 1 }, s: 'abc', flag: true, nothing: null };
    expect(interpolate('id-{{n}}', vars)).toBe('id-42');
    expect(interpolate('{{s}}/{{s}}', vars)).toBe('abc/abc');
    expect(interpolate('x={{obj}}', vars)).toBe('x={"a":1}');
    expect(interpolate('[{{flag}}|{{nothing}}]', vars)).toBe('[true|null]');
    // Strings are inserted raw, not JSON-quoted.
    expect(interpolate('Bearer {{s}}', vars)).toBe('Bearer abc');
  });

  it('walks arrays and objects and leaves non-strings and plain strings alone', () => {
    const vars = { sid: 'S-1', n: 7 };
    const input = { headers: { 'Mcp-Session-Id': '{{sid}}' }, list: ['{{n}}', 'n={{n}}', 3, null, true], plain: 'no vars', k: { deep: ['{{sid}}'] } };
    expect(interpolate(input, vars)).toEqual({
      headers: { 'Mcp-Session-Id': 'S-1' },
      list: [7, 'n=7', 3, null, true],
      plain: 'no vars',
      k: { deep: ['S-1'] },
    });
    // The input is not mutated.
    expect(input.headers['Mcp-Session-Id']).toBe('{{sid}}');
    expect(interpolate(5, vars)).toBe(5);
    expect(interpolate(null, vars)).toBeNull();
    expect(interpolate(undefined, vars)).toBeUndefined();
    // Single braces or malformed names are not references.
    expect(interpolate('{sid} {{ 1bad }} {{}}', vars)).toBe('{sid} {{ 1bad }} {{}}');
  });

  it('keeps own "__proto__" keys of JSON bodies as data', () => {
    const body = JSON.parse('{"__proto__": {"polluted": "{{sid}}"}, "ok": 1}') as Record<string, unknown>;
    const out = interpolate(body, { sid: 'S' }) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":"S"},"ok":1}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('gives a fresh v4 UUID at every {{uuid}} use', () => {
    const a = interpolate('{{uuid}}', {});
    const b = interpolate('{{uuid}}', {});
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
    const two = interpolate('{{uuid}}:{{uuid}}', {}) as string;
    const [x, y] = two.split(':');
    expect(x).toMatch(UUID_V4);
    expect(y).toMatch(UUID_V4);
    expect(x).not.toBe(y);
    // The built-in wins over a captured variable of the same name.
    expect(interpolate('{{uuid}}', { uuid: 'fixed' })).toMatch(UUID_V4);
    expect(BUILTIN_VARIABLES).toContain('uuid');
  });

  it('throws UnknownVariableError for names not captured', () => {
    expect(() => interpolate('{{missing}}', { other: 1 })).toThrow(UnknownVariableError);
    expect(() => interpolate('a {{missing}} b', {})).toThrow(UnknownVariableError);
    expect(() => interpolate({ deep: ['{{missing}}'] }, {})).toThrow(UnknownVariableError);
    try {
      interpolate('x{{sessionId}}', {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownVariableError);
      expect((e as UnknownVariableError).variable).toBe('sessionId');
      expect((e as Error).message).toContain('{{sessionId}}');
    }
  });

  it('treats a variable captured as undefined (e.g. an absent header) as unknown', () => {
    expect(() => interpolate('{{sessionId}}', { sessionId: undefined })).toThrow(UnknownVariableError);
  });

  it('does not resolve names from Object.prototype', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(() => interpolate(`{{${name}}}`, {}), name).toThrow(UnknownVariableError);
      expect(() => interpolate(`x-{{${name}}}`, {}), name).toThrow(UnknownVariableError);
    }
  });
});

describe('referencedVariables', () => {
  it('finds every name in nested values', () => {
    const value = {
      http: {
        headers: { 'Mcp-Session-Id': '{{sessionId}}', Other: 'plain' },
        jsonrpc: { method: 'ping', params: { list: ['{{a}}', { deep: 'x {{ b.c }} y {{a}}' }], n: 3, z: null } },
      },
      with: { count: '{{count}}' },
    };
    expect([...referencedVariables(value)].sort()).toEqual(['a', 'b.c', 'count', 'sessionId']);
  });

  it('returns an empty set when nothing is referenced, and adds into a given set', () => {
    expect(referencedVariables({ a: 'x', b: [1, null, true], c: '{single}' }).size).toBe(0);
    expect(referencedVariables(undefined).size).toBe(0);
    const into = new Set(['pre']);
    const out = referencedVariables('{{x}}', into);
    expect(out).toBe(into);
    expect([...out].sort()).toEqual(['pre', 'x']);
  });

  it('does not look at object keys', () => {
    expect(referencedVariables({ '{{key}}': 'v' }).size).toBe(0);
  });
});
