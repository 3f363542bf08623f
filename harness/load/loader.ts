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
 *
 * Expansion (before the lint; `harness/load/template.ts` substitutes): `foreach`
 * blocks of `checks` and `steps`, macros (`use:` with `with:` parameters,
 * nested), and the load-time variable `{{suiteVersion}}`.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { yaml } from './yaml-lazy.js';
import { schemaValidator } from '../model/json-schema.js';
import type { TransportKind } from '../model/scenario.js';
import type { Level, Verdict } from '../model/results.js';
import type { CheckDecl, MacroFile, MacroParam, Matcher, Outcome, Scenario, Step } from '../model/scenario.js';
import { referencedVariables, BUILTIN_VARIABLES } from '../model/interpolate.js';
import { PROBES } from '../probes/index.js';
import { isVersionString } from '../model/versions.js';
import { instantiateNode, parameterReferences, ParameterError, resolveLoadTimeVariables, substituteParameters } from './template.js';
import { MAX_BAD, SEVERITY } from '../model/verdict-policy.js';
import { checkLevelProblem } from '../model/levels.js';
import { messageValidator } from '../model/message-schemas.js';
import { ScenarioError, fail, locate as posOf, parseYaml, validate, validateAt, type Parsed } from './source.js';
import { loadCatalog, rememberCatalog, requirementIds, type RequirementIds } from './catalog.js';
import { readCompiledSuite } from './compiled.js';
import { SUITES_DIR } from '../model/paths.js';

export { ScenarioError, parseYaml, fail, validate, type Parsed } from './source.js';

export { badVerdictFor, capVerdict } from '../model/verdict-policy.js';

/** Validators of `schemas/scenario.schema.json` and its parts (compiled and cached by `harness/model/json-schema.ts`). */
const validators = {
  get scenario() {
    return schemaValidator('scenario.schema.json');
  },
  get macro() {
    return schemaValidator('scenario.schema.json#/$defs/macroFile');
  },
  // Macro steps and foreach instances, once their ${parameters} are substituted.
  get step() {
    return schemaValidator('scenario.schema.json#/$defs/step');
  },
  get check() {
    return schemaValidator('scenario.schema.json#/$defs/check');
  },
};
function getValidators() {
  return validators;
}

export type { RequirementIds } from './catalog.js';

/**
 * Known requirement IDs, with their level text, from a requirement catalog
 * (`<suiteRoot>/_catalog/requirements.yaml`, or the package's), loaded and
 * validated by `./catalog.ts` (cached per path).
 * @throws ScenarioError (file:line:col) for an unreadable or invalid catalog
 */
export function loadRequirementIds(catalogPath: string): RequirementIds {
  return requirementIds(loadCatalog(catalogPath));
}

interface RawStep {
  id?: string;
  use?: string;
  with?: unknown;
  transports?: TransportKind[];
  [k: string]: unknown;
}
/** A macro of `_steps/`: its declared `${parameters}` (with their defaults) and its steps before substitution. */
interface Macro {
  id: string;
  params: Record<string, MacroParam>;
  steps: RawStep[];
  parsed: Parsed;
}

/**
 * Loads the macros of `<suiteRoot>/_steps/`. Every `${name}` in a macro's
 * steps must be one of its `params`, and every parameter must be used; a
 * step whose parameters all have defaults is validated as a step with them.
 * @throws ScenarioError located in the macro file
 */
function loadMacros(suiteRoot: string): Map<string, Macro> {
  const macros = new Map<string, Macro>();
  const dir = join(suiteRoot, '_steps');
  if (!existsSync(dir)) return macros;
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const p = parseYaml(join(dir, name), relative(suiteRoot, join(dir, name)));
    validate(p, getValidators().macro);
    const m = p.data as MacroFile & { steps: RawStep[] };
    if (`${m.id}.yaml` !== name && `${m.id}.yml` !== name) fail(p, ['id'], `macro id "${m.id}" must match its file name`);
    const params = m.params ?? {};
    const used = new Set<string>();
    m.steps.forEach((s, j) => {
      const refs = parameterReferences(s);
      for (const [ref, at] of refs) {
        if (!Object.hasOwn(params, ref))
          fail(p, ['steps', j, ...at.path], `\${${ref}} is not a parameter of macro "${m.id}" (${Object.keys(params).length ? `its parameters: ${Object.keys(params).join(', ')}` : 'it declares no params'})`, at.inKey);
        used.add(ref);
      }
      if ([...refs.keys()].every((r) => Object.hasOwn(params[r]!, 'default'))) {
        const defaults = Object.fromEntries([...refs.keys()].map((r) => [r, params[r]!.default]));
        validateAt(p, ['steps', j], substituteParameters(s, defaults), getValidators().step, 'with the parameters\' defaults');
      }
    });
    for (const k of Object.keys(params)) if (!used.has(k)) fail(p, ['params', k], `parameter "${k}" is never used in the steps`, true);
    macros.set(m.id, { id: m.id, params, steps: m.steps, parsed: p });
  }
  return macros;
}

/** Keys a macro's use may carry when the macro is one step: they are added to that step. */
const USE_STEP_KEYS = ['capture', 'applies-when', 'expect', 'outcomes', 'require'] as const;

/** A step after expansion, with the file and path it is written at (for located errors). */
type PlacedStep = Step & {
  _p: Parsed;
  _path: Array<string | number>;
  /** For a step written in a macro: where the scenario uses the macro (its problems are reported there). */
  _use?: Array<string | number>;
};

/** `steps.3` for a step of the scenario itself, `_steps/open-session.yaml:steps.0` for one of a macro. */
function sourceOf(p: Parsed, path: Array<string | number>, scenario: Parsed): string {
  return p === scenario ? path.join('.') : `${p.file}:${path.join('.')}`;
}

/** The values of a macro's parameters at one use: `with`, else the default. @throws ScenarioError at the use */
function bindParameters(owner: Parsed, path: Array<string | number>, use: RawStep, m: Macro): Record<string, unknown> {
  const given = (use.with ?? {}) as Record<string, unknown>;
  const names = Object.keys(m.params);
  for (const k of Object.keys(given))
    if (!Object.hasOwn(m.params, k))
      fail(owner, [...path, 'with', k], `unknown parameter "${k}" of macro "${m.id}" (${names.length ? `its parameters: ${names.join(', ')}` : 'it takes none'})`, true);
  const out: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(m.params)) {
    if (Object.hasOwn(given, k)) out[k] = given[k];
    else if (Object.hasOwn(d, 'default')) out[k] = d.default;
    else fail(owner, [...path, 'use'], `macro "${m.id}" needs the parameter "${k}" (with: { ${k}: … })`);
  }
  return out;
}

/**
 * Expands one `use:` step (written at `path` in `owner`, the scenario or a
 * macro) into the macro's steps, its parameters substituted, nested uses
 * expanded. Steps are named `<use id or macro>.<step>`; a one-step macro used
 * with an `id` is named by that id, and the use's judging keys
 * (USE_STEP_KEYS) are added to its single step.
 * @throws ScenarioError located in the file at fault (the caller relocates macro-file problems to the use)
 */
function expandUse(owner: Parsed, path: Array<string | number>, use: RawStep, macros: Map<string, Macro>, scenario: Parsed, chain: string[] = []): PlacedStep[] {
  const m = macros.get(use.use!);
  if (!m) fail(owner, [...path, 'use'], `unknown macro "${use.use}" (suites/_steps/${use.use}.yaml does not exist)`);
  if (chain.includes(m.id)) fail(owner, [...path, 'use'], `macro "${m.id}" uses itself (${[...chain, m.id].join(' → ')})`);
  const bindings = bindParameters(owner, path, use, m);
  const prefix = use.id ?? m.id;
  const out: PlacedStep[] = [];
  m.steps.forEach((ms, j) => {
    // Every ${name} is a declared parameter (checked when the macro was loaded), so this cannot throw.
    const inst = substituteParameters(ms, bindings);
    validateAt(m.parsed, ['steps', j], inst, getValidators().step, `macro "${m.id}" with the parameters given`);
    if (inst.use) {
      for (const st of expandUse(m.parsed, ['steps', j], inst, macros, scenario, [...chain, m.id])) out.push({ ...st, id: `${prefix}.${st.id}` });
    } else {
      out.push({ ...(inst as unknown as Step), id: `${prefix}.${inst.id ?? `step-${j}`}`, source: sourceOf(m.parsed, ['steps', j], scenario), _p: m.parsed, _path: ['steps', j] });
    }
  });
  if (use.id !== undefined && out.length === 1) out[0]!.id = use.id;
  // A use narrowed to some transports narrows every step it stands for (a macro step's own list is kept where it is narrower).
  if (use.transports)
    for (const st of out) st.transports = st.transports ? st.transports.filter((k) => use.transports!.includes(k)) : [...use.transports];
  const carried = USE_STEP_KEYS.filter((k) => use[k] !== undefined);
  if (carried.length) {
    if (out.length !== 1)
      fail(owner, [...path, carried[0]!], `only the use of a one-step macro may carry "${carried[0]}" (macro "${m.id}" has ${out.length} steps)`, true);
    const only = out[0]!;
    for (const k of carried) {
      if (only[k] !== undefined) fail(owner, [...path, k], `macro "${m.id}" already sets "${k}" on its step`, true);
      (only as unknown as Record<string, unknown>)[k] = use[k];
    }
    // The judging keys are the use's: problems are located there (and a scenario's use may record verdicts).
    Object.assign(only, { _p: owner, _path: path, source: sourceOf(owner, path, scenario) });
  }
  return out;
}

/** `family: tools` for the first binding value (the rest abbreviated), for messages. */
function describeBinding(b: Record<string, unknown>, k: number, of: number): string {
  const [name, value] = Object.entries(b)[0]!;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `foreach binding ${k + 1} of ${of}, ${name}: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/**
 * Replaces every `foreach` block of the `checks` and `steps` lists of `p`,
 * in place, by its templates instantiated for each binding in turn (all
 * templates for the first binding, then for the second, …), in the YAML
 * document itself: an instance keeps its template's source positions, so
 * later messages about it point at the template line. Each instance is
 * validated as a check or a step. Bindings are read before any block is
 * replaced, so they may be YAML aliases of one another.
 * @throws ScenarioError at the template (an unbound `${name}`, an invalid instance)
 */
function expandForeach(p: Parsed): void {
  const data = p.data as Record<string, Array<Record<string, unknown>>>;
  const isBlock = (d: unknown): d is Record<string, unknown> => !!d && typeof d === 'object' && Object.hasOwn(d, 'foreach');
  let changed = false;
  for (const key of ['checks', 'steps'] as const) {
    const seq = p.doc.get(key, true);
    if (!yaml().isSeq(seq) || !data[key]?.some(isBlock)) continue;
    changed = true;
    const items: unknown[] = [];
    const notes: Array<string | undefined> = [];
    seq.items.forEach((node, i) => {
      const d = data[key]![i];
      if (!isBlock(d)) {
        items.push(node);
        notes.push(undefined);
        return;
      }
      const bindings = d.foreach as Array<Record<string, unknown>>;
      const templates = d[key] as unknown[];
      const nodes = p.doc.getIn([key, i, key], true);
      if (!yaml().isSeq(nodes)) fail(p, [key, i, key], `"${key}" of a foreach block must be a list`);
      bindings.forEach((b, k) =>
        templates.forEach((t, j) => {
          const note = describeBinding(b, k, bindings.length);
          try {
            substituteParameters(t, b);
          } catch (e) {
            if (e instanceof ParameterError) fail(p, [key, i, key, j, ...e.path], `${e.message} (${note})`, e.inKey);
            throw e;
          }
          if (!yaml().isMap(nodes.items[j])) fail(p, [key, i, key, j], `a template of a foreach block must be a mapping`);
          items.push(instantiateNode(p.doc, nodes.items[j] as YamlNode, b));
          notes.push(note);
        }),
      );
    });
    seq.items = items;
    const fn = key === 'checks' ? getValidators().check : getValidators().step;
    notes.forEach((note, n) => {
      if (note) validateAt(p, [key, n], toJsAt(p, [key, n]), fn, note);
    });
  }
  if (changed) p.data = toJsAt(p, []);
}

/** The JS value of the node at `path` of an expanded document. @throws ScenarioError for an alias whose anchor a foreach block took away */
function toJsAt(p: Parsed, path: Array<string | number>): unknown {
  try {
    const node = path.length ? p.doc.getIn(path, true) : p.doc;
    return yaml().isNode(node) ? node.toJS(p.doc, { maxAliasCount: 100 }) : p.doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail(p, path, `invalid YAML after foreach expansion: ${(e as Error).message} (an alias inside a template may only name an anchor outside every foreach block)`);
  }
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

/** Matcher keys that only Streamable HTTP can answer (status line, headers, media type, body, SSE framing). */
const HTTP_ONLY_MATCHERS = ['status', 'header', 'mediaType', 'body', 'streamEnd', 'firstEvent'] as const;

/** The first Streamable-HTTP-only key used anywhere in `m`, if any. */
function httpOnlyKey(m: Matcher | undefined): string | undefined {
  if (!m) return undefined;
  const own = HTTP_ONLY_MATCHERS.find((k) => m[k] !== undefined);
  return own ?? httpOnlyKey(m.not) ?? (m.all ?? []).map(httpOnlyKey).find(Boolean) ?? (m.any ?? []).map(httpOnlyKey).find(Boolean);
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

/** Rejects `pattern`s that are not valid ECMAScript (unicode-mode) regular expressions, and `schema:` references to no message schema. */
function lintPatterns(p: Parsed, m: Matcher, path: Array<string | number>): void {
  if (m.schema !== undefined && !messageValidator(m.schema))
    fail(p, [...path, 'schema'], `no message schema "${m.schema}" (schemas/messages/<name>.schema.json, optionally #/$defs/<rule>)`);
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
 * @param requirementIds known catalog IDs (with `levels`, each check's level is cross-checked with its requirements')
 * @param text file content, when already read (tests)
 * @throws ScenarioError for any invalid content, located at file:line:col
 */
export function loadScenario(
  path: string,
  suiteRoot: string,
  requirementIds: RequirementIds,
  macros: Map<string, Macro> = loadMacros(suiteRoot),
  text?: string,
): Scenario {
  const file = relative(suiteRoot, path).split(sep).join('/');
  const p = parseYaml(path, file, text);
  validate(p, getValidators().scenario);
  expandForeach(p);
  const raw = p.data as {
    id: string;
    title: string;
    description?: string;
    versions: Scenario['versions'];
    'runs-at-unsupported-versions'?: boolean;
    holds?: Scenario['holds'];
    transports?: Scenario['transports'];
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
    const levelProblem = requirementIds.levels && checkLevelProblem(c, requirementIds.levels);
    if (levelProblem) fail(p, ['checks', i, ...levelProblem.at], levelProblem.problem, levelProblem.at[0] === 'level-reason');
    const extra = c.transports?.find((k) => !(raw.transports ?? ['streamable-http']).includes(k));
    if (extra) fail(p, ['checks', i, 'transports'], `transport "${extra}" is not one of the scenario's transports`);
    decls.set(c.id, c);
  });

  // Expand macros (parameters substituted), keeping each step's source path for messages,
  // then the load-time variables ({{suiteVersion}}).
  const steps: PlacedStep[] = [];
  const place = (st: PlacedStep) => {
    const { _p, _path, _use, ...rest } = st;
    steps.push({ ...resolveLoadTimeVariables(rest), _p, _path, ...(_use ? { _use } : {}) });
  };
  raw.steps.forEach((s, i) => {
    if (s.use) {
      let expanded: PlacedStep[];
      try {
        expanded = expandUse(p, ['steps', i], s, macros, p);
      } catch (e) {
        // A problem in a macro file found at this use (often a parameter value) is reported at the use.
        if (!(e instanceof ScenarioError) || e.file === p.file) throw e;
        const at = posOf(p, ['steps', i, 'use']);
        throw new ScenarioError(p.file, at.line, at.col, `${e.problem} (in macro ${s.use}, ${e.file}:${e.line}:${e.col})`);
      }
      // `_use`: for a step written in a macro, where the scenario uses the macro.
      for (const st of expanded) place(st._p === p ? st : { ...st, _use: ['steps', i, 'use'] });
    } else {
      place({ ...(s as unknown as Step), id: s.id ?? `step-${i}`, source: `steps.${i}`, _p: p, _path: ['steps', i] });
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
  function lintNeutral(sp: Parsed, s: (typeof steps)[number]): void {
    const why = 'the scenario lists transport stdio, so it must be transport-neutral (or the step, rung or check declares transports: [streamable-http])';
    // A step that runs only over Streamable HTTP may use everything it has.
    if (s.transports && !s.transports.includes('stdio')) return;
    if (s.http) fail(sp, [...s._path, 'http'], `${why}: an http step is Streamable HTTP only (use send)`);
    if (s.probe && !PROBES[s.probe]?.transports?.includes('stdio')) fail(sp, [...s._path, 'probe'], `${why}: probe ${s.probe} speaks Streamable HTTP only`);
    for (const [name, c] of Object.entries(s.capture ?? {}))
      if ('header' in c || 'status' in c) fail(sp, [...s._path, 'capture', name], `${why}: a header or status capture is Streamable HTTP only (use session or pointer)`);
    const at: Array<[Matcher | undefined, Array<string | number>]> = [
      ...Object.entries(s.expect ?? {}).map(([k, m]): [Matcher, Array<string | number>] => [m, ['expect', k]]),
      ...(s.outcomes ?? []).map((o, k): [Matcher | undefined, Array<string | number>] => [
        // A rung that applies only over Streamable HTTP may ask what only it has.
        o.transports && !o.transports.includes('stdio') ? undefined : o.when,
        ['outcomes', k, 'when'],
      ]),
      [s['applies-when']?.that, ['applies-when', 'that']],
      [s.require?.that, ['require', 'that']],
    ];
    for (const [m, path] of at) {
      const key = httpOnlyKey(m);
      if (key) fail(sp, [...s._path, ...path], `${why}: the matcher "${key}" is Streamable HTTP only`);
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
    // A scenario that lists stdio is written transport-neutrally: nothing only Streamable HTTP has.
    if (raw.transports?.includes('stdio')) lintNeutral(sp, s);
    // A step, rung or check may narrow the scenario's transports, never widen them.
    const scenarioKinds = raw.transports ?? ['streamable-http'];
    const narrow = (kinds: readonly string[] | undefined, path: Array<string | number>) => {
      const extra = kinds?.find((k) => !scenarioKinds.includes(k as never));
      if (extra) fail(sp, path, `transport "${extra}" is not one of the scenario's transports (${scenarioKinds.join(', ')})`);
    };
    narrow(s.transports, [...s._path, 'transports']);
    if (s.stdio && (s.transports ?? scenarioKinds).includes('streamable-http'))
      fail(sp, [...s._path, 'stdio'], 'a stdio step runs over stdio only: declare transports: [stdio] on the step or the scenario');
    (s.outcomes ?? []).forEach((o, k) => narrow(o.transports, [...s._path, 'outcomes', k, 'transports']));
    // Variables must be captured by an earlier step (or by this step, for its own ladders).
    const used = referencedVariables({ http: s.http, send: s.send, with: s.with, wait: s.wait });
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
    ...(raw.transports ? { transports: raw.transports } : {}),
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
 * macros, catalogs and profiles, not scenarios). For the bundled `suites/`
 * with its own catalog, the models compiled at build time
 * (`dist/suite.compiled.json`, see `compiled.ts`) when their inputs are
 * unchanged; else, and for any other folder, the YAML.
 * @param catalogPath requirement catalog; defaults to `<suiteRoot>/_catalog/requirements.yaml`
 * @throws ScenarioError for the first invalid file, or for a duplicate scenario ID
 */
export function loadSuite(suiteRoot: string, catalogPath = join(suiteRoot, '_catalog', 'requirements.yaml')): Scenario[] {
  // The bundled suite with its own catalog: the models compiled at build time, while their inputs are unchanged.
  if (resolve(suiteRoot) === resolve(SUITES_DIR) && resolve(catalogPath) === resolve(suiteRoot, '_catalog', 'requirements.yaml')) {
    const compiled = readCompiledSuite(suiteRoot);
    if (compiled) {
      rememberCatalog(catalogPath, compiled.catalog);
      return compiled.scenarios;
    }
  }
  return loadSuiteFromYaml(suiteRoot, catalogPath);
}

/**
 * Loads every scenario under `suiteRoot` from its YAML files, never from the
 * compiled suite (as `loadSuite` does for any other folder).
 * @throws ScenarioError as `loadSuite`
 */
export function loadSuiteFromYaml(suiteRoot: string, catalogPath = join(suiteRoot, '_catalog', 'requirements.yaml')): Scenario[] {
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
