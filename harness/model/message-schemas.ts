/**
 * Message-shape rules stated once, as JSON Schemas (2020-12) in
 * `schemas/messages/<name>.schema.json`, and applied with Ajv: by the
 * `schema:` matcher (`schema: jsonrpc#/$defs/result-xor-error`) and by
 * probes (the message-shapes probe's rules). A reference names a file
 * without `.schema.json`, optionally with a JSON pointer fragment to one of
 * its `$defs`.
 */
import { join } from 'node:path';
import { findSchemaValidator, type ValidateFunction } from './json-schema.js';
import { SCHEMAS_DIR } from './paths.js';

/** Folder of the message-shape schemas. */
export const MESSAGE_SCHEMAS_DIR = join(SCHEMAS_DIR, 'messages');

/** Shape of a reference: `<name>` or `<name>#/$defs/<def>`. */
export const MESSAGE_SCHEMA_REF = /^([a-z0-9][a-z0-9-]*)(#\/\$defs\/[A-Za-z0-9_-]+)?$/;

/**
 * The validator a reference names, or undefined when the file or the `$defs`
 * entry does not exist (or the reference is malformed). Compiled once, by
 * `harness/model/json-schema.ts`, reporting only the first error.
 * @param ref e.g. `jsonrpc` or `jsonrpc#/$defs/error-object`
 */
export function messageValidator(ref: string): ValidateFunction | undefined {
  const m = MESSAGE_SCHEMA_REF.exec(ref);
  if (!m) return undefined;
  return findSchemaValidator(`messages/${m[1]}.schema.json${m[2] ?? ''}`, 'first');
}

/**
 * Words for why `value` does not satisfy the schema `ref` names (Ajv's first
 * error, e.g. `/result/serverInfo/version must be string`), or undefined when
 * it does or the reference names no schema.
 */
export function messageSchemaProblem(ref: string, value: unknown): string | undefined {
  const fn = messageValidator(ref);
  if (!fn || fn(value)) return undefined;
  const e = (fn.errors ?? []).find((x) => x.keyword !== 'if') ?? fn.errors?.[0];
  return e ? `${e.instancePath || '(the message)'} ${e.message ?? e.keyword}` : 'does not match';
}

/**
 * True when `value` satisfies the schema `ref` names.
 * @throws Error for a reference that names no schema (the loader rejects those at load time)
 */
export function satisfiesMessageSchema(ref: string, value: unknown): boolean {
  const fn = messageValidator(ref);
  if (!fn) throw new Error(`no message schema "${ref}" in schemas/messages/`);
  return fn(value) === true;
}
