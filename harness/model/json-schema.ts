/**
 * The one place Ajv is configured. Every JSON Schema (2020-12) of
 * `schemas/` (file formats: scenarios, catalogs, baselines, results; message
 * shapes under `schemas/messages/`) is registered once, under its `$id`, so
 * a `$ref` from one schema to another resolves (e.g. `scenario.schema.json`'s
 * `reason` → the generated `reasons.schema.json`). Validators are compiled on
 * first use and cached by `$id` + JSON pointer.
 *
 * Two configurations share the same options and differ in how many errors
 * they report (`ErrorReport`) and in what they hold: file formats are
 * validated with every error (the loader then places the most specific one
 * at file:line:col), by an instance holding every schema, each checked
 * against the 2020-12 meta-schema when added; message shapes, judged on
 * every message a server sends during a run, stop at the first error, by an
 * instance holding only `schemas/messages/` (they refer to nothing outside
 * it) and not checking them against the meta-schema again (compiling the
 * meta-schema is most of the cost of a first validation; the `all`
 * instance, which the tests use, checks the same files).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { SCHEMAS_DIR } from './paths.js';

export type { ValidateFunction } from 'ajv/dist/2020.js';

/**
 * How many errors a validator reports in its `errors`: `all` (Ajv
 * `allErrors: true`) for files whose problems are located for a person;
 * `first` (`allErrors: false`) for message shapes, where only whether the
 * message conforms and one reason are needed.
 */
export type ErrorReport = 'all' | 'first';

/** Ajv options shared by both configurations (`allErrors` is set by `ErrorReport`). Not strict: schemas may carry annotations Ajv does not know. */
const AJV_OPTIONS = { strict: false } as const;

/** One schema file of `schemas/`. */
interface SchemaFile {
  /** Path relative to `schemas/`, with `/` separators, e.g. `messages/jsonrpc.schema.json`. */
  file: string;
  /** Name Ajv holds it under: its `$id`, else `file`. */
  key: string;
  schema: Record<string, unknown>;
}

/** The folder (relative to `schemas/`, with a trailing `/`) the `first` configuration holds. */
const MESSAGES = 'messages/';

/** Schema files read so far, by the folder walked (`''` for all of `schemas/`, or {@link MESSAGES}). */
const files = new Map<string, Map<string, SchemaFile>>();
const instances = new Map<ErrorReport, Ajv2020>();
/** Compiled validators by configuration and reference as asked for. */
const compiled = new Map<string, ValidateFunction>();

/**
 * Every `*.schema.json` under `schemas/<folder>` (recursively), by path
 * relative to `schemas/`. Read once per folder.
 * @param folder `''` (all of `schemas/`) or a subfolder with a trailing `/`
 */
function schemaFiles(folder: string): Map<string, SchemaFile> {
  let found = files.get(folder);
  if (!found) {
    found = new Map();
    const walk = (dir: string): string[] =>
      readdirSync(dir)
        .sort()
        .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : name.endsWith('.schema.json') ? [join(dir, name)] : []));
    for (const path of walk(join(SCHEMAS_DIR, folder))) {
      const file = relative(SCHEMAS_DIR, path).split(sep).join('/');
      const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      found.set(file, { file, key: typeof schema.$id === 'string' ? schema.$id : file, schema });
    }
    files.set(folder, found);
  }
  return found;
}

/** The folder a configuration holds: all of `schemas/` for `all`, `messages/` for `first`. */
const folderOf = (errors: ErrorReport): string => (errors === 'first' ? MESSAGES : '');

/** The Ajv instance of one configuration, holding the schemas of its folder. */
function instance(errors: ErrorReport): Ajv2020 {
  let ajv = instances.get(errors);
  if (!ajv) {
    // Ajv is loaded on first use (about 25 ms): a run from the compiled suite needs it only when a message is judged by shape.
    const { Ajv2020: Ajv } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    ajv = new Ajv({ ...AJV_OPTIONS, allErrors: errors === 'all', validateSchema: errors === 'all' });
    for (const f of schemaFiles(folderOf(errors)).values()) ajv.addSchema(f.schema, f.key === f.file ? f.file : undefined);
    instances.set(errors, ajv);
  }
  return ajv;
}

/**
 * The compiled validator a reference names, or undefined when it names no
 * schema (no such file or `$id`, or a pointer to nothing). Compiled once per
 * configuration.
 * @param ref a file under `schemas/` (`baseline.schema.json`,
 *   `messages/jsonrpc.schema.json`) or a schema `$id`, optionally followed by
 *   a JSON pointer fragment (`scenario.schema.json#/$defs/step`)
 * @param errors how many errors the validator reports (default `all`); `first` finds only schemas under `schemas/messages/`
 * @throws Error when a schema file of `schemas/` is not valid JSON, not a valid schema, or has a `$ref` to nothing
 */
export function findSchemaValidator(ref: string, errors: ErrorReport = 'all'): ValidateFunction | undefined {
  const cacheKey = `${errors} ${ref}`;
  const hit = compiled.get(cacheKey);
  if (hit) return hit;
  const hash = ref.indexOf('#');
  const [base, fragment] = hash < 0 ? [ref, ''] : [ref.slice(0, hash), ref.slice(hash)];
  const known = [...schemaFiles(folderOf(errors)).values()].find((f) => f.file === base || f.key === base);
  if (!known || !pointsToSomething(known.schema, fragment)) return undefined;
  const fn = instance(errors).getSchema(`${known.key}${fragment}`);
  if (fn) compiled.set(cacheKey, fn);
  return fn;
}

/** Whether a fragment (`''`, a JSON pointer `#/…`, or a plain-name `#anchor`, left to Ajv) leads somewhere in `schema`. */
function pointsToSomething(schema: unknown, fragment: string): boolean {
  if (fragment === '' || fragment === '#') return true;
  if (!fragment.startsWith('#/')) return true;
  let at: unknown = schema;
  for (const raw of fragment.slice(2).split('/')) {
    let part: string;
    try {
      part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    } catch {
      return false;
    }
    if (!at || typeof at !== 'object' || !Object.hasOwn(at, part)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return true;
}

/**
 * The compiled validator of a schema the suite ships (see `findSchemaValidator` for `ref`).
 * @throws Error when `ref` names no schema of `schemas/`
 */
export function schemaValidator(ref: string, errors: ErrorReport = 'all'): ValidateFunction {
  const fn = findSchemaValidator(ref, errors);
  if (!fn) throw new Error(`no schema "${ref}" in ${SCHEMAS_DIR}`);
  return fn;
}

/**
 * Forgets every schema and validator, so the next use reads `schemas/`
 * again. For a process that rewrites a schema file and then validates with
 * it (`npm run gen` writes `reasons.schema.json`, then loads the suite).
 */
export function forgetSchemas(): void {
  files.clear();
  instances.clear();
  compiled.clear();
}
