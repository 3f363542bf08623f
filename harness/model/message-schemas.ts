/**
 * Message-shape rules stated once, as JSON Schemas (2020-12) in
 * `schemas/messages/<name>.schema.json`, and applied with Ajv: by the
 * `schema:` matcher (`schema: jsonrpc#/$defs/result-xor-error`) and by
 * probes (the message-shapes probe's rules). A reference names a file
 * without `.schema.json`, optionally with a JSON pointer fragment to one of
 * its `$defs`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from './paths.js';

/** Folder of the message-shape schemas. */
export const MESSAGE_SCHEMAS_DIR = join(SCHEMAS_DIR, 'messages');

/** Shape of a reference: `<name>` or `<name>#/$defs/<def>`. */
export const MESSAGE_SCHEMA_REF = /^([a-z0-9][a-z0-9-]*)(#\/\$defs\/[A-Za-z0-9_-]+)?$/;

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** One Ajv instance holding every schema of `schemas/messages/`, each under its `$id`. */
function instance(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: false, strict: false });
    if (existsSync(MESSAGE_SCHEMAS_DIR))
      for (const name of readdirSync(MESSAGE_SCHEMAS_DIR).sort())
        if (name.endsWith('.schema.json')) ajv.addSchema(JSON.parse(readFileSync(join(MESSAGE_SCHEMAS_DIR, name), 'utf8')), name.replace(/\.schema\.json$/, ''));
  }
  return ajv;
}

/**
 * The validator a reference names, or undefined when the file or the `$defs`
 * entry does not exist (or the reference is malformed). Compiled once.
 * @param ref e.g. `jsonrpc` or `jsonrpc#/$defs/error-object`
 */
export function messageValidator(ref: string): ValidateFunction | undefined {
  const hit = compiled.get(ref);
  if (hit) return hit;
  const m = MESSAGE_SCHEMA_REF.exec(ref);
  if (!m) return undefined;
  let fn: ValidateFunction | undefined;
  try {
    fn = instance().getSchema(`${m[1]}${m[2] ?? ''}`);
  } catch {
    fn = undefined;
  }
  if (fn) compiled.set(ref, fn);
  return fn;
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
