import { describe, it, expect } from 'vitest';
import { parseDocument } from 'yaml';
import { instantiateNode, parameterReferences, ParameterError, resolveLoadTimeVariables, substituteParameters, LOAD_TIME_VARIABLES } from './template.js';
import { SUITE_VERSION } from '../model/paths.js';

describe('substituteParameters', () => {
  it('a whole-string ${x} takes the value with its type (a copy); a longer string its text', () => {
    const obj = { a: [1] };
    const out = substituteParameters({ o: '${obj}', n: '${ n }', s: 'x-${s}-${n}-${obj}', keep: '{{protocolVersion}}', nul: '${nothing}' }, { obj, n: 7, s: 'abc', nothing: null });
    expect(out).toEqual({ o: { a: [1] }, n: 7, s: 'x-abc-7-{"a":[1]}', keep: '{{protocolVersion}}', nul: null });
    expect(out.o).not.toBe(obj);
  });

  it('substitutes mapping keys, which must stay strings, and leaves __proto__ as data', () => {
    expect(substituteParameters({ '${k}': 1, 'pre-${k}': ['${k}'] }, { k: 'cap' })).toEqual({ cap: 1, 'pre-cap': ['cap'] });
    expect(() => substituteParameters({ '${k}': 1 }, { k: 5 })).toThrow(ParameterError);
    const p = substituteParameters(JSON.parse('{"__proto__": {"x": "${v}"}}') as object, { v: 1 });
    expect(Object.hasOwn(p, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('an unbound name throws with its path', () => {
    try {
      substituteParameters({ a: [{ b: 'x ${zz}' }] }, { y: 1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as ParameterError).path).toEqual(['a', 0, 'b']);
      expect((e as ParameterError).message).toBe('${zz} has no value (known here: y)');
    }
  });
});

describe('parameterReferences', () => {
  it('lists each name once with its first path, in values and keys', () => {
    const refs = parameterReferences({ a: '${x}', b: [{ '${y}': '${x} ${z}' }] });
    expect([...refs]).toEqual([
      ['x', { path: ['a'], inKey: false }],
      ['y', { path: ['b', 0, '${y}'], inKey: true }],
      ['z', { path: ['b', 0, '${y}'], inKey: false }],
    ]);
  });
});

describe('load-time variables', () => {
  it('{{suiteVersion}} is the package version; other {{variables}} stay', () => {
    expect(LOAD_TIME_VARIABLES.suiteVersion).toBe(SUITE_VERSION);
    expect(resolveLoadTimeVariables({ v: '{{suiteVersion}}', l: ['v{{ suiteVersion }}', '{{protocolVersion}}', 3] })).toEqual({
      v: SUITE_VERSION,
      l: [`v${SUITE_VERSION}`, '{{protocolVersion}}', 3],
    });
  });
});

describe('instantiateNode', () => {
  it('copies a YAML node with parameters substituted and the template positions kept', () => {
    const doc = parseDocument('t:\n  id: "${f}-x"\n  p: "${obj}"\n  "${k}": 1\n');
    const node = doc.get('t', true) as Parameters<typeof instantiateNode>[1];
    const copy = instantiateNode(doc, node, { f: 'tools', obj: { a: 1 }, k: 'key' });
    expect(copy.toJS(doc)).toEqual({ id: 'tools-x', p: { a: 1 }, key: 1 });
    // The template is unchanged, and the replaced scalar's node sits at the template's range.
    expect(node.toJS(doc)).toEqual({ id: '${f}-x', p: '${obj}', '${k}': 1 });
    const p = (copy as unknown as { get(k: string, keep: true): { range: number[] } }).get('p', true);
    expect(p.range[0]).toBe(doc.toString().indexOf('"${obj}"'));
  });
});
