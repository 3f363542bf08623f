/**
 * Located YAML sources: every file the suite reads (scenarios, macros, the
 * requirement catalog, exclusions, reason codes, published check IDs,
 * baselines) is parsed here with its positions, so that any problem found in
 * it, by the YAML parser, by a JSON Schema or by a lint, becomes a
 * `ScenarioError` naming `file:line:col`.
 *
 * The schemas themselves are configured and compiled in
 * `harness/model/json-schema.ts`; this module only places their errors.
 */
import { readFileSync } from 'node:fs';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { yaml } from './yaml-lazy.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * A problem in a source file, located in it. The message is
 * `<file>:<line>:<col>: <problem>` (line and column 1-based, as the file is
 * shown to the user, e.g. relative to the suite root).
 */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${col}: ${problem}`);
    this.name = 'ScenarioError';
  }
}

/** A parsed YAML file with its positions, for located errors. */
export interface Parsed {
  doc: Document;
  lc: LineCounter;
  /** The document as plain JS data (aliases expanded). */
  data: unknown;
  /** The file as named in messages. */
  file: string;
}

/** A path into a document's data: mapping keys and sequence indexes, e.g. `['steps', 3, 'id']`. */
export type DataPath = Array<string | number>;

/**
 * Parses YAML with positions (duplicate keys rejected, at most 100 alias
 * expansions).
 * @param path the file to read (unless `text` is given)
 * @param display the file as named in messages
 * @param text the file's content, when already in hand
 * @throws ScenarioError naming `display`:line:col for an unreadable file (1:1) or invalid YAML
 */
export function parseYaml(path: string, display: string, text?: string): Parsed {
  let src: string;
  try {
    src = text ?? readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(display, 1, 1, `cannot read file: ${(e as Error).message}`);
  }
  const lc = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lc.linePos(err.pos[0]);
    throw new ScenarioError(display, pos.line, pos.col, `invalid YAML: ${err.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Aliases fail only here: an undefined anchor, or too many expansions.
    const pos = lc.linePos(badAlias(doc)?.range?.[0] ?? 0);
    throw new ScenarioError(display, pos.line, pos.col, `invalid YAML: ${(e as Error).message}`);
  }
  return { doc, lc, data, file: display };
}

/** The first alias whose anchor is not defined before it, else the first alias. */
function badAlias(doc: Document): YamlNode | undefined {
  const anchors = new Set<string>();
  let first: YamlNode | undefined;
  let bad: YamlNode | undefined;
  yaml().visit(doc, (_, n) => {
    if (yaml().isAlias(n)) {
      first ??= n;
      if (!anchors.has(n.source)) {
        bad = n;
        return yaml().visit.BREAK;
      }
    } else if (yaml().isNode(n) && n.anchor) anchors.add(n.anchor);
    return undefined;
  });
  return bad ?? first;
}

/**
 * Where `path` is written in `p` (1-based line and column). When no node
 * exists at `path`, the nearest existing ancestor; with `key`, the key of
 * the last path element rather than its value (e.g. for an unknown key).
 * Falls back to 1:1.
 */
export function locate(p: Parsed, path: DataPath, key = false): { line: number; col: number } {
  // Walk up until a node exists; point at the key when asked (e.g. unknown property).
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    if (key && n === path.length && sub.length) {
      const parent = sub.length > 1 ? p.doc.getIn(sub.slice(0, -1), true) : p.doc.contents;
      const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> })?.items;
      const pair = items?.find((it) => it.key && it.key.value === sub[sub.length - 1]);
      if (pair?.key?.range) {
        const pos = p.lc.linePos(pair.key.range[0]);
        return { line: pos.line, col: pos.col };
      }
    }
    const node = sub.length ? p.doc.getIn(sub, true) : p.doc.contents;
    if (yaml().isNode(node) && node.range) {
      const pos = p.lc.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return { line: 1, col: 1 };
}

/**
 * Throws a ScenarioError located at `path` in `p` (see `locate`).
 * @throws ScenarioError always
 */
export function fail(p: Parsed, path: DataPath, problem: string, key = false): never {
  const { line, col } = locate(p, path, key);
  throw new ScenarioError(p.file, line, col, problem);
}

/** A JSON Pointer (RFC 6901) as a data path; all-digit segments become indexes. */
function splitPointer(ptr: string): DataPath {
  return ptr
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Picks the most useful of ajv's errors: the deepest, preferring concrete keywords over oneOf/anyOf summaries. */
function bestError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) =>
    e.instancePath.split('/').length * 10 + (['oneOf', 'anyOf', 'not', 'if'].includes(e.keyword) ? 0 : 5);
  return [...errors].sort((a, b) => rank(b) - rank(a))[0]!;
}

/** One Ajv error in words, with the data path to place it at (and whether to point at the key). */
function describeAjv(e: ErrorObject): { path: DataPath; message: string; key: boolean } {
  const path = splitPointer(e.instancePath);
  const where = e.instancePath ? `at ${e.instancePath.slice(1).replace(/\//g, '.')}` : 'at top level';
  if (e.keyword === 'additionalProperties') {
    const prop = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: [...path, prop], message: `unknown key "${prop}" ${where}`, key: true };
  }
  if (e.keyword === 'required') {
    return { path, message: `missing required key "${(e.params as { missingProperty: string }).missingProperty}" ${where}`, key: false };
  }
  if (e.keyword === 'enum' && e.schemaPath.endsWith('/$defs/reason/enum')) {
    // The list is long: name where it lives instead of printing it.
    return { path, message: `${where}: not a known reason code (the closed list is suites/_catalog/reasons.yaml: add the code there, then npm run gen)`, key: false };
  }
  if (e.keyword === 'enum') {
    return { path, message: `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`, key: false };
  }
  return { path, message: `${where}: ${e.message ?? e.keyword}`, key: false };
}

/**
 * Validates the whole of `p` with a compiled schema (one made with all
 * errors, `harness/model/json-schema.ts`).
 * @throws ScenarioError `schema: …` at the most specific failing key
 */
export function validate(p: Parsed, fn: ValidateFunction): void {
  if (!fn(p.data)) {
    const e = describeAjv(bestError(fn.errors ?? []));
    fail(p, e.path, `schema: ${e.message}`, e.key);
  }
}

/**
 * Validates `value`, a value derived from the node at `path` of `p` (e.g. a
 * macro step with its parameters substituted), with a compiled schema.
 * @param note appended to the message in parentheses (what was substituted)
 * @throws ScenarioError `schema: … (note)` at `path` plus the failing key
 */
export function validateAt(p: Parsed, path: DataPath, value: unknown, fn: ValidateFunction, note: string): void {
  if (fn(value)) return;
  const e = describeAjv(bestError(fn.errors ?? []));
  fail(p, [...path, ...e.path], `schema: ${e.message} (${note})`, e.key);
}
