/**
 * Loads, validates and lints YAML scenarios. Every problem becomes a
 * `ScenarioError` naming file, line and column; nothing is silently skipped.
 *
 * Validation: `schemas/scenario.schema.json` (JSON Schema 2020-12, ajv).
 * Lint (what a schema cannot say): unique IDs, steps that name only declared
 * checks, verdicts no more severe than a check's level allows, requirement IDs
 * present in `suites/_catalog/requirements.yaml`, `{{variables}}` captured
 * before use, known probes and macros, and no guard (`not-applicable` or
 * `blocked` under a condition) after a `pass` for the same check in a ladder.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LineCounter, parseDocument, isAlias, isNode, visit, type Document, type Node as YamlNode } from 'yaml';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Level, Verdict } from './model.js';
import type { CheckDecl, Matcher, Outcome, Scenario, Step } from './scenario-types.js';
import { referencedVariables, BUILTIN_VARIABLES } from './interpolate.js';
import { SCHEMAS_DIR } from './paths.js';
import { PROBES } from './probes/index.js';
import { isVersionString } from './versions.js';
import { MAX_BAD, SEVERITY } from './verdict-policy.js';

/** A scenario file problem, located in its source. */
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

export { badVerdictFor, capVerdict } from './verdict-policy.js';

let validators: { scenario: ValidateFunction; macro: ValidateFunction } | undefined;
function getValidators() {
  if (!validators) {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'scenario.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    validators = {
      scenario: ajv.getSchema(schema.$id)!,
      macro: ajv.getSchema(`${schema.$id}#/$defs/macroFile`)!,
    };
  }
  return validators;
}

/** A parsed YAML file with its positions, for located errors. */
export interface Parsed {
  doc: Document;
  lc: LineCounter;
  data: unknown;
  file: string;
}

/** Parses YAML with positions. @throws ScenarioError naming file:line:col for invalid YAML */
export function parseYaml(path: string, display: string, text?: string): Parsed {
  let src: string;
  try {
    src = text ?? readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(display, 1, 1, `cannot read file: ${(e as Error).message}`);
  }
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
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
  visit(doc, (_, n) => {
    if (isAlias(n)) {
      first ??= n;
      if (!anchors.has(n.source)) {
        bad = n;
        return visit.BREAK;
      }
    } else if (isNode(n) && n.anchor) anchors.add(n.anchor);
    return undefined;
  });
  return bad ?? first;
}

function posOf(p: Parsed, path: Array<string | number>, key = false): { line: number; col: number } {
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
    if (isNode(node) && node.range) {
      const pos = p.lc.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return { line: 1, col: 1 };
}

/** Throws a ScenarioError located at `path` in `p`. */
export function fail(p: Parsed, path: Array<string | number>, problem: string, key = false): never {
  const { line, col } = posOf(p, path, key);
  throw new ScenarioError(p.file, line, col, problem);
}

function splitPointer(ptr: string): Array<string | number> {
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

function describeAjv(e: ErrorObject): { path: Array<string | number>; message: string; key: boolean } {
  const path = splitPointer(e.instancePath);
  const where = e.instancePath ? `at ${e.instancePath.slice(1).replace(/\//g, '.')}` : 'at top level';
  if (e.keyword === 'additionalProperties') {
    const prop = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: [...path, prop], message: `unknown key "${prop}" ${where}`, key: true };
  }
  if (e.keyword === 'required') {
    return { path, message: `missing required key "${(e.params as { missingProperty: string }).missingProperty}" ${where}`, key: false };
  }
  if (e.keyword === 'enum') {
    return { path, message: `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`, key: false };
  }
  return { path, message: `${where}: ${e.message ?? e.keyword}`, key: false };
}

/** Validates `p` with an ajv function. @throws ScenarioError at the most specific failing key */
export function validate(p: Parsed, fn: ValidateFunction): void {
  if (!fn(p.data)) {
    const e = describeAjv(bestError(fn.errors ?? []));
    fail(p, e.path, `schema: ${e.message}`, e.key);
  }
}

/** Known requirement IDs from `suites/_catalog/requirements.yaml` under `suiteRoot` (or the package's). */
export function loadRequirementIds(catalogPath: string): Set<string> {
  const p = parseYaml(catalogPath, catalogPath);
  const list = (p.data as { requirements?: Array<{ id: string }> }).requirements ?? [];
  return new Set(list.map((r) => r.id));
}

interface RawStep {
  id?: string;
  use?: string;
  with?: unknown;
  [k: string]: unknown;
}
interface Macro {
  steps: RawStep[];
  parsed: Parsed;
}

function loadMacros(suiteRoot: string): Map<string, Macro> {
  const macros = new Map<string, Macro>();
  const dir = join(suiteRoot, '_steps');
  if (!existsSync(dir)) return macros;
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const p = parseYaml(join(dir, name), relative(suiteRoot, join(dir, name)));
    validate(p, getValidators().macro);
    const m = p.data as { id: string; steps: RawStep[] };
    if (`${m.id}.yaml` !== name && `${m.id}.yml` !== name) fail(p, ['id'], `macro id "${m.id}" must match its file name`);
    m.steps.forEach((s, i) => {
      if (s.use) fail(p, ['steps', i, 'use'], 'macros cannot use other macros');
    });
    macros.set(m.id, { steps: m.steps, parsed: p });
  }
  return macros;
}

function checkOf(p: Parsed, decls: Map<string, CheckDecl>, slug: string, path: Array<string | number>): CheckDecl {
  const d = decls.get(slug);
  if (!d) fail(p, path, `"${slug}" is not a check declared in this scenario (declared: ${[...decls.keys()].join(', ')})`, true);
  return d;
}

function strictestLevel(c: CheckDecl): Level {
  if (c.escalate && (SEVERITY[MAX_BAD[c.escalate.level]] ?? 0) > (SEVERITY[MAX_BAD[c.level]] ?? 0)) return c.escalate.level;
  return c.level;
}

function lintVerdict(p: Parsed, c: CheckDecl, v: Verdict, path: Array<string | number>): void {
  const lvl = strictestLevel(c);
  if (v === 'pending' as Verdict) return;
  if ((SEVERITY[v] ?? 0) > (SEVERITY[MAX_BAD[lvl]] ?? 0)) {
    fail(p, path, `verdict "${v}" is more severe than a ${lvl} check ("${c.id}") allows (at most "${MAX_BAD[lvl]}")`);
  }
}

function matcherCaptures(m: Matcher | undefined, into: Set<string>): void {
  if (!m) return;
  Object.keys(m.captured ?? {}).forEach((k) => into.add(k));
  m.not && matcherCaptures(m.not, into);
  m.all?.forEach((x) => matcherCaptures(x, into));
  m.any?.forEach((x) => matcherCaptures(x, into));
}

/**
 * Where `{{name}}` is used inside `value`: the path of the first string that
 * references it or, with `captured`, of a `captured` entry naming it.
 */
function findVariable(value: unknown, name: string, captured: boolean, path: Array<string | number> = []): Array<string | number> | undefined {
  if (typeof value === 'string') return referencedVariables(value).has(name) ? path : undefined;
  if (!value || typeof value !== 'object') return undefined;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    if (captured && k === 'captured' && v && typeof v === 'object' && Object.hasOwn(v, name)) return [...path, k, name];
    const found = findVariable(v, name, captured, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

/** Rejects `pattern`s that are not valid ECMAScript (unicode-mode) regular expressions. */
function lintPatterns(p: Parsed, m: Matcher, path: Array<string | number>): void {
  for (const kind of ['header', 'pointer', 'captured'] as const) {
    for (const [k, vm] of Object.entries(m[kind] ?? {})) {
      const pattern = vm && typeof vm === 'object' ? vm.pattern : undefined;
      // A pattern built from {{variables}} can only be checked once they are substituted.
      if (typeof pattern !== 'string' || referencedVariables(pattern).size) continue;
      try {
        new RegExp(pattern, 'u');
      } catch (e) {
        fail(p, [...path, kind, k, 'pattern'], `invalid pattern: ${(e as Error).message}`);
      }
    }
  }
  if (m.not) lintPatterns(p, m.not, [...path, 'not']);
  m.all?.forEach((x, i) => lintPatterns(p, x, [...path, 'all', i]));
  m.any?.forEach((x, i) => lintPatterns(p, x, [...path, 'any', i]));
}

/**
 * Guards before passes. An outcome ladder is first-match: a rung that records
 * `not-applicable` or `blocked` for a check under a condition (a guard: "the
 * precondition of this check failed") is dead whenever a `pass` rung for the
 * same check comes before it and also matches, so the check can pass although
 * its precondition failed (e.g. `status: 404 → pass` tried before "the DELETE
 * that should have ended the session was not 2xx"). Rejects any ladder where a
 * rung with `when` recording `not-applicable`/`blocked` for a check follows a
 * rung recording `pass` for it. An `otherwise` rung is no guard: it is reached
 * only when nothing before it matched. Mutually exclusive conditions are not
 * exempt: put the guard first, which costs nothing when they are exclusive.
 * @throws ScenarioError at the misplaced guard's `record` entry
 */
function lintGuardOrder(p: Parsed, ladder: Outcome[], stepPath: Array<string | number>): void {
  const passAt = new Map<string, number>();
  ladder.forEach((o, k) => {
    for (const [slug, v] of Object.entries(o.record)) {
      const before = passAt.get(slug);
      if (o.when && (v === 'not-applicable' || v === 'blocked') && before !== undefined) {
        const passLine = posOf(p, [...stepPath, 'outcomes', before]).line;
        fail(
          p,
          [...stepPath, 'outcomes', k, 'record', slug],
          `guard after a pass: this rung records "${v}" for "${slug}" under a condition, but the rung at line ${passLine} already records "pass" for it (first match wins, so that pass is reached even when this precondition fails); move this rung before it`,
        );
      }
      if (v === 'pass' && before === undefined) passAt.set(slug, k);
    }
  });
}

/**
 * Loads one scenario file.
 * @param path absolute path of the YAML file
 * @param suiteRoot folder the suite lives in (for `_steps/` and relative names)
 * @param requirementIds known catalog IDs
 * @param text file content, when already read (tests)
 * @throws ScenarioError for any invalid content, located at file:line:col
 */
export function loadScenario(
  path: string,
  suiteRoot: string,
  requirementIds: Set<string>,
  macros: Map<string, Macro> = loadMacros(suiteRoot),
  text?: string,
): Scenario {
  const file = relative(suiteRoot, path).split(sep).join('/');
  const p = parseYaml(path, file, text);
  validate(p, getValidators().scenario);
  const raw = p.data as {
    id: string;
    title: string;
    description?: string;
    versions: Scenario['versions'];
    'runs-at-unsupported-versions'?: boolean;
    holds?: Scenario['holds'];
    checks: CheckDecl[];
    steps: RawStep[];
  };
  if (raw.versions.from && raw.versions.before && raw.versions.from >= raw.versions.before)
    fail(p, ['versions'], 'empty version range: "from" must be earlier than "before"');

  const decls = new Map<string, CheckDecl>();
  raw.checks.forEach((c, i) => {
    if (decls.has(c.id)) fail(p, ['checks', i, 'id'], `duplicate check id "${c.id}"`);
    c.requirements.forEach((r, j) => {
      if (!requirementIds.has(r)) fail(p, ['checks', i, 'requirements', j], `unknown requirement ID "${r}" (not in the catalog)`);
    });
    if (!isVersionString(c.versions?.from ?? '2000-01-01')) fail(p, ['checks', i, 'versions'], 'bad version');
    decls.set(c.id, c);
  });

  // Expand macros, keeping each step's source path for messages.
  // `_use`: for a macro step, where the scenario uses the macro.
  const steps: Array<Step & { _p: Parsed; _path: Array<string | number>; _use?: Array<string | number> }> = [];
  raw.steps.forEach((s, i) => {
    if (s.use) {
      if (s.with !== undefined) fail(p, ['steps', i, 'with'], 'macros take no parameters', true);
      const m = macros.get(s.use);
      if (!m) fail(p, ['steps', i, 'use'], `unknown macro "${s.use}" (suites/_steps/${s.use}.yaml does not exist)`);
      m.steps.forEach((ms, j) => {
        steps.push({
          ...(structuredClone(ms) as unknown as Step),
          id: `${s.use}.${ms.id ?? `step-${j}`}`,
          source: `${m.parsed.file}:steps.${j}`,
          _p: m.parsed,
          _path: ['steps', j],
          _use: ['steps', i, 'use'],
        });
      });
    } else {
      steps.push({ ...(s as unknown as Step), id: s.id ?? `step-${i}`, source: `steps.${i}`, _p: p, _path: ['steps', i] });
    }
  });

  const seenIds = new Set<string>();
  const captured = new Set<string>(BUILTIN_VARIABLES);
  for (const s of steps) {
    try {
      lintStep(s);
    } catch (e) {
      // A problem in a macro step (often: the macro used too early) is reported where the scenario uses the macro.
      if (!s._use || !(e instanceof ScenarioError)) throw e;
      const at = posOf(p, s._use);
      throw new ScenarioError(p.file, at.line, at.col, `${e.problem} (in macro step ${s.id}, ${e.file}:${e.line}:${e.col})`);
    }
  }
  function lintStep(s: (typeof steps)[number]): void {
    const sp = s._p;
    if (seenIds.has(s.id)) fail(sp, [...s._path, 'id'], `duplicate step id "${s.id}"`);
    seenIds.add(s.id);
    if (s.probe && !PROBES[s.probe])
      fail(sp, [...s._path, 'probe'], `unknown probe "${s.probe}" (known: ${Object.keys(PROBES).join(', ')})`);
    // A step that opens a GET stream holds it: the scenario must say so, or the scheduler would overlap it with another holder.
    if (!raw.holds?.includes('get-stream')) {
      if (s.http?.method === 'GET')
        fail(sp, [...s._path, 'http', 'method'], 'this step sends a GET, which may open the server\'s GET stream: declare "holds: [get-stream]" on the scenario');
      if (s.probe && PROBES[s.probe]?.holds?.includes('get-stream'))
        fail(sp, [...s._path, 'probe'], `probe ${s.probe} opens GET streams: declare "holds: [get-stream]" on the scenario`);
    }
    // Variables must be captured by an earlier step (or by this step, for its own ladders).
    const used = referencedVariables({ http: s.http, with: s.with, wait: s.wait });
    for (const v of used)
      if (!captured.has(v))
        fail(sp, [...s._path, ...(findVariable({ http: s.http, with: s.with, wait: s.wait }, v, false) ?? [])], `{{${v}}} is used before any step captures it`);
    Object.keys(s.capture ?? {}).forEach((k) => captured.add(k));
    const inMatchers = new Set<string>();
    // Each matcher with its path in the step.
    const located: Array<[Matcher, Array<string | number>]> = [
      ...Object.entries(s.expect ?? {}).map(([slug, m]): [Matcher, Array<string | number>] => [m, ['expect', slug]]),
      ...(s.outcomes ?? []).flatMap((o, k): Array<[Matcher, Array<string | number>]> => (o.when ? [[o.when, ['outcomes', k, 'when']]] : [])),
      ...(s['applies-when'] ? [[s['applies-when'].that, ['applies-when', 'that']] as [Matcher, Array<string | number>]] : []),
      ...(s.require ? [[s.require.that, ['require', 'that']] as [Matcher, Array<string | number>]] : []),
    ];
    const allMatchers = located.map(([m]) => m);
    allMatchers.forEach((m) => matcherCaptures(m, inMatchers));
    referencedVariables(allMatchers).forEach((v) => inMatchers.add(v));
    for (const v of inMatchers)
      if (!captured.has(v)) {
        const where = located.map(([m, at]) => ({ at, rel: findVariable(m, v, true) })).find((x) => x.rel);
        const path = where ? [...s._path, ...where.at, ...where.rel!] : s._path;
        fail(sp, path, `matcher refers to "${v}", which no step up to here captures`, where?.rel?.[where.rel.length - 2] === 'captured');
      }
    located.forEach(([m, at]) => lintPatterns(sp, m, [...s._path, ...at]));
    if (sp !== p) {
      // Macro steps may not name checks: scenarios decide verdicts.
      if (s.expect || s.outcomes) fail(sp, s._path, 'macro steps cannot record verdicts');
      return;
    }
    Object.keys(s.expect ?? {}).forEach((slug) => {
      const c = checkOf(p, decls, slug, [...s._path, 'expect', slug]);
      lintVerdict(p, c, MAX_BAD[c.level], [...s._path, 'expect', slug]);
    });
    (s.outcomes ?? []).forEach((o, k) => {
      for (const [slug, v] of Object.entries(o.record)) {
        const c = checkOf(p, decls, slug, [...s._path, 'outcomes', k, 'record', slug]);
        lintVerdict(p, c, v, [...s._path, 'outcomes', k, 'record', slug]);
      }
      if (o.otherwise && k !== s.outcomes!.length - 1)
        fail(p, [...s._path, 'outcomes', k], '"otherwise" must be the last outcome');
    });
    lintGuardOrder(p, s.outcomes ?? [], s._path);
  }

  // Every declared check must be decidable by some step.
  const decided = new Set<string>();
  for (const s of steps) {
    Object.keys(s.expect ?? {}).forEach((k) => decided.add(k));
    (s.outcomes ?? []).forEach((o) => Object.keys(o.record).forEach((k) => decided.add(k)));
  }
  raw.checks.forEach((c, i) => {
    if (!decided.has(c.id)) fail(p, ['checks', i, 'id'], `check "${c.id}" is never recorded by any step`);
  });

  return {
    id: raw.id,
    title: raw.title,
    ...(raw.description ? { description: raw.description } : {}),
    versions: raw.versions,
    ...(raw['runs-at-unsupported-versions'] ? { runsAtUnsupportedVersions: true } : {}),
    ...(raw.holds?.length ? { holds: raw.holds } : {}),
    checks: raw.checks,
    steps: steps.map(({ _p, _path, _use, ...rest }) => rest as Step),
    path,
    file,
  };
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
}

/**
 * Loads every scenario under `suiteRoot` (files in `_`-prefixed folders are
 * macros, catalogs and profiles, not scenarios).
 * @param catalogPath requirement catalog; defaults to `<suiteRoot>/_catalog/requirements.yaml`
 * @throws ScenarioError for the first invalid file, or for a duplicate scenario ID
 */
export function loadSuite(suiteRoot: string, catalogPath = join(suiteRoot, '_catalog', 'requirements.yaml')): Scenario[] {
  if (!existsSync(suiteRoot)) throw new ScenarioError(suiteRoot, 1, 1, 'suite folder does not exist');
  const ids = loadRequirementIds(catalogPath);
  const macros = loadMacros(suiteRoot);
  const files: string[] = [];
  if (statSync(suiteRoot).isDirectory()) walk(suiteRoot, files);
  const out: Scenario[] = [];
  const byId = new Map<string, string>();
  for (const f of files) {
    const s = loadScenario(f, suiteRoot, ids, macros);
    const prior = byId.get(s.id);
    if (prior) throw new ScenarioError(s.file, 1, 1, `scenario id "${s.id}" is also used by ${prior}`);
    byId.set(s.id, s.file);
    out.push(s);
  }
  return out;
}
