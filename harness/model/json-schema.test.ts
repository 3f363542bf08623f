/**
 * The one Ajv configuration: every schema of `schemas/` reachable by file and
 * by `$id`, `$ref`s across files resolved, validators cached per
 * configuration, the two configurations differing only in how many errors
 * they report, and unknown references answered with undefined.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { findSchemaValidator, forgetSchemas, schemaValidator } from './json-schema.js';
import { messageValidator } from './message-schemas.js';
import { SCHEMAS_DIR } from './paths.js';

function schemaFiles(dir = SCHEMAS_DIR): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? schemaFiles(join(dir, n)) : n.endsWith('.schema.json') ? [join(dir, n)] : []));
}

/** Two problems at once: an unknown top-level key and a bad verdict. */
const TWO_PROBLEMS = { expected: [{ check: 'a.b/c', verdict: 'pass' }], extra: 1 };

describe('json-schema', () => {
  it('compiles every schema of schemas/, by file and by $id, to the same validator', () => {
    const files = schemaFiles();
    expect(files.length).toBeGreaterThan(5);
    for (const path of files) {
      const file = relative(SCHEMAS_DIR, path).split(sep).join('/');
      const fn = schemaValidator(file);
      expect(typeof fn).toBe('function');
      const id = (JSON.parse(readFileSync(path, 'utf8')) as { $id?: string }).$id;
      if (id) expect(findSchemaValidator(id)?.schema).toBe(fn.schema);
    }
  });

  it('resolves a $ref to another file: the scenario schema rejects a reason outside the generated enum', () => {
    const step = schemaValidator('scenario.schema.json#/$defs/step');
    const withReason = (reason: string) => ({ id: 's', http: { method: 'POST' }, require: { reason, when: {} } });
    // Whatever else the step lacks, an unknown reason is reported against reasons.schema.json's enum.
    step(withReason('no-such-reason-code'));
    expect((step.errors ?? []).some((e) => e.keyword === 'enum' && e.schemaPath.endsWith('/$defs/reason/enum'))).toBe(true);
  });

  it('caches: the same reference gives the same function; the two configurations give different ones', () => {
    const ref = 'messages/jsonrpc.schema.json#/$defs/error-object';
    expect(schemaValidator('baseline.schema.json')).toBe(schemaValidator('baseline.schema.json'));
    expect(schemaValidator(ref, 'first')).toBe(schemaValidator(ref, 'first'));
    expect(schemaValidator(ref, 'first')).not.toBe(schemaValidator(ref));
  });

  it('"all" reports every error, "first" only the first', () => {
    const ref = 'messages/jsonrpc.schema.json#/$defs/error-object';
    const all = schemaValidator(ref);
    const first = schemaValidator(ref, 'first');
    const twoProblems = { error: { code: 'not a number', message: 42 } };
    expect(all(twoProblems)).toBe(false);
    expect(first(twoProblems)).toBe(false);
    expect(all.errors!.length).toBeGreaterThanOrEqual(2);
    expect(first.errors).toHaveLength(1);
    expect(schemaValidator('baseline.schema.json')(TWO_PROBLEMS)).toBe(false);
  });

  it('"first" (message shapes) holds only schemas/messages/: a file-format schema is not found there', () => {
    expect(findSchemaValidator('baseline.schema.json', 'first')).toBeUndefined();
    expect(findSchemaValidator('messages/initialize.schema.json', 'first')).toBeTypeOf('function');
  });

  it('a reference to no file, no $id or no $defs entry is undefined (schemaValidator throws)', () => {
    expect(findSchemaValidator('nope.schema.json')).toBeUndefined();
    expect(findSchemaValidator('https://example.invalid/nope.schema.json')).toBeUndefined();
    expect(findSchemaValidator('messages/jsonrpc.schema.json#/$defs/nope')).toBeUndefined();
    expect(findSchemaValidator('messages/jsonrpc.schema.json#/$defs/error-object')).toBeTypeOf('function');
    expect(() => schemaValidator('nope.schema.json')).toThrow(/no schema "nope.schema.json"/);
    // Message references go through the same registry, first error only.
    expect(messageValidator('jsonrpc#/$defs/nope')).toBeUndefined();
    expect(messageValidator('jsonrpc#/$defs/error-object')).toBe(findSchemaValidator('messages/jsonrpc.schema.json#/$defs/error-object', 'first'));
  });

  it('forgetSchemas: the next use reads schemas/ again and compiles anew', () => {
    const before = schemaValidator('baseline.schema.json');
    forgetSchemas();
    const after = schemaValidator('baseline.schema.json');
    expect(after).not.toBe(before);
    expect(after(TWO_PROBLEMS)).toBe(false);
  });
});
