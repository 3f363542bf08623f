/**
 * Small helpers shared by the renderers. Reports import only the results
 * model (`harness/model/results.ts`): its types, and its two constant lists.
 */
import type { CheckResult, ExchangeRecord, Level, RunResults, ScenarioRun, TargetInfo, Verdict } from '../harness/model/results.js';

/** Every verdict, in the order reports list them; every level, strictest first (the model's own lists). */
export { VERDICTS as VERDICT_ORDER, LEVELS as LEVEL_ORDER } from '../harness/model/results.js';

/**
 * Badness of each verdict for "worst verdict" aggregation: higher is worse.
 * A violation by the target (`fail`) outranks a harness `error`, and a
 * `pass` outranks `not-applicable` so a requirement that was judged somewhere
 * shows that judgement.
 */
const SEVERITY: Record<Verdict, number> = {
  'not-applicable': 0,
  pass: 1,
  info: 2,
  skipped: 3,
  blocked: 4,
  warn: 5,
  error: 6,
  fail: 7,
};

/**
 * The worst of `verdicts` by the ranking
 * fail > error > warn > blocked > skipped > info > pass > not-applicable,
 * or `undefined` for an empty list.
 */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const v of verdicts) if (worst === undefined || SEVERITY[v] > SEVERITY[worst]) worst = v;
  return worst;
}

/** The check slug of a fully qualified check ID (`<scenario-id>/<slug>` → `<slug>`); the whole ID if it has no `/`. */
export function checkSlug(checkId: string): string {
  const i = checkId.indexOf('/');
  return i < 0 ? checkId : checkId.slice(i + 1);
}

/** Milliseconds as seconds with 3 decimals (`1234` → `"1.234"`); non-finite or negative input gives `"0.000"`. */
export function seconds(ms: number): string {
  return Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

/** The scenario run with the given key (`<scenario-id>@<protocolVersion>`), if any. */
export function findRun(results: RunResults, key: string): ScenarioRun | undefined {
  return results.scenarios.find((r) => r.key === key);
}

/**
 * The exchanges that decided a check: its `transcript.seqs` looked up in the
 * transcript of the scenario run it names (falling back to `fallback`, the
 * run being rendered). Returns the full run transcript and the seqs, ready for
 * `renderTranscript(exchanges, { seqs })`; `exchanges` is empty when no run is found.
 */
export function transcriptSlice(
  results: RunResults,
  check: CheckResult,
  fallback?: ScenarioRun,
): { exchanges: ExchangeRecord[]; seqs: number[] } {
  const run = findRun(results, check.transcript.scenarioRun) ?? fallback;
  return { exchanges: run?.transcript ?? [], seqs: check.transcript.seqs };
}

/**
 * The check results of a scenario run, in its declaration order: each ID of
 * `run.checks` looked up among `results.checks` at the run's protocol version
 * (`undefined` where no result exists), followed by any result for the same
 * scenario and version that `run.checks` does not list.
 */
export function checksOfRun(results: RunResults, run: ScenarioRun): Array<{ id: string; check?: CheckResult }> {
  const mine = results.checks.filter((c) => c.protocolVersion === run.protocolVersion);
  const byId = new Map(mine.map((c) => [c.id, c] as const));
  const listed = new Set(run.checks);
  const out: Array<{ id: string; check?: CheckResult }> = run.checks.map((id) => ({ id, check: byId.get(id) }));
  for (const c of mine) if (c.scenario === run.id && !listed.has(c.id)) out.push({ id: c.id, check: c });
  return out;
}

/** A `serverInfo` field (typed `unknown`) as display text: strings as-is, anything else as JSON, absent as `""`. */
export function displayValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** What {@link transportOf} and the target formatters read of a target: `transport` may be absent (before the run fills it in, or in a document written before stdio existed). */
export type TargetLike = Omit<TargetInfo, 'transport'> & { transport?: TargetInfo['transport'] };

/**
 * The transport a target speaks: `target.transport` when set, else `stdio`
 * for a target of kind `stdio` and `streamable-http` for every other kind.
 */
export function transportOf(t: TargetLike): TargetInfo['transport'] {
  return t.transport ?? (t.kind === 'stdio' ? 'stdio' : 'streamable-http');
}
