/**
 * Baselines: verdicts a server is known to produce (a YAML file kept in the
 * server's repository). A result matching an entry does not gate the exit
 * code; an entry for a check that ran but no longer gives that verdict is
 * stale. Format: `schemas/baseline.schema.json`.
 */
import { schemaValidator } from '../model/json-schema.js';
import type { CheckResult } from '../model/results.js';
import { fail, parseYaml, validate } from './source.js';
import { loadPublished, resolvePublished } from './published.js';

/**
 * One expected verdict; without `version` it holds at every version.
 * Entries converted from an expected-failures file (`expected-failures.ts`)
 * use the two wider forms: `check` may be a scenario ID (no `/`), standing
 * for every check of that scenario, and `verdict` may be `failing`, any
 * gating verdict (`fail`, `error` or `blocked`).
 */
export interface BaselineEntry {
  /** A fully qualified check ID (`<scenario-id>/<check-slug>`), or a scenario ID for all its checks. */
  check: string;
  version?: string;
  verdict: 'fail' | 'warn' | 'error' | 'blocked' | 'failing';
  note?: string;
}

/** The verdicts a `failing` entry expects: the ones that gate the exit code. */
export const FAILING_VERDICTS: readonly string[] = ['fail', 'error', 'blocked'];

/**
 * Loads and validates a baseline file. An entry naming a published check ID
 * that was renamed (an alias in `suites/_catalog/published-checks.yaml`)
 * applies to the check that replaced it: its `check` is the current ID.
 * @param knownChecks fully qualified IDs of every check in the suite
 * @param aliases published old ID → new ID (default: the bundled list's)
 * @throws ScenarioError (file:line:col) for invalid YAML, schema errors and unknown check IDs
 */
export function loadBaseline(path: string, knownChecks: Set<string>, aliases: Record<string, string> = loadPublished().aliases): BaselineEntry[] {
  const p = parseYaml(path, path);
  validate(p, schemaValidator('baseline.schema.json'));
  const entries = (p.data as { expected: BaselineEntry[] }).expected;
  entries.forEach((e, i) => {
    if (knownChecks.has(e.check)) return;
    const now = resolvePublished(e.check, aliases, knownChecks);
    if (now === undefined) fail(p, ['expected', i, 'check'], `unknown check "${e.check}" (--list shows the known ones)`);
    e.check = now;
  });
  return entries;
}

/** What a baseline did to a run. */
export interface BaselineOutcome {
  /** Result keys (`<check-id>@<version>`) whose verdict the baseline expected. */
  expected: string[];
  /** Entries for checks that ran but did not give the expected verdict at any matching version. */
  stale: BaselineEntry[];
}

/**
 * Matches results against baseline entries: an entry matches the results of
 * its check (or, for a scenario ID, of every check of that scenario) at its
 * version (or every version) whose verdict it names (`failing`: any of
 * {@link FAILING_VERDICTS}); an entry none of whose results matches is stale,
 * unless it matched no result or only `skipped` ones (an interrupted run).
 */
export function applyBaseline(entries: BaselineEntry[], checks: CheckResult[]): BaselineOutcome {
  const expected: string[] = [];
  const stale: BaselineEntry[] = [];
  for (const e of entries) {
    const ran = checks.filter((c) => (c.id === e.check || c.scenario === e.check) && (e.version === undefined || c.protocolVersion === e.version));
    const hit = ran.filter((c) => (e.verdict === 'failing' ? FAILING_VERDICTS.includes(c.verdict) : c.verdict === e.verdict));
    hit.forEach((c) => expected.push(`${c.id}@${c.protocolVersion}`));
    // Skipped runs (interrupted) say nothing about staleness.
    if (ran.length && !hit.length && ran.some((c) => c.verdict !== 'skipped')) stale.push(e);
  }
  return { expected: [...new Set(expected)], stale };
}
