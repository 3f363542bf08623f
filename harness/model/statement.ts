/**
 * The result statement: what a run says about the server, one line per
 * protocol version under test, defined once here (README, "What the result
 * means") and used by every report (HTML, Markdown summary, badge).
 *
 * Per version, over the checks at that version whose verdict no baseline
 * entry expected (`results.baseline.expected`, keys `<check id>@<version>`):
 * - `not-supported`: the server does not negotiate the version
 *   (`results.discovery.notNegotiated`); its checks are not-applicable, only
 *   version negotiation judges it;
 * - `failures`: at least one MUST or MUST NOT check is `fail`;
 * - `inconclusive`: none is `fail`, but at least one is `error`, `blocked` or
 *   `skipped` (the harness could not decide it, an earlier step it needed
 *   broke, or the run was interrupted before it): nothing can be claimed;
 * - `conformant`: no MUST or MUST NOT check is `fail`, `error`, `blocked` or
 *   `skipped`.
 * SHOULD warnings (`warn` of SHOULD and SHOULD NOT checks) are counted apart
 * and never change the kind; so are `warn` verdicts of MUST checks (a
 * deviation the catalog tolerates, e.g. silence over stdio, catalog A14).
 *
 * Pure: imports only the results model's types.
 */
import type { CheckResult, Level, RunResults } from './results.js';

/** What a version's result is: see the module comment for each kind. */
export type StatementKind = 'conformant' | 'failures' | 'inconclusive' | 'not-supported';

/** The result statement for one protocol version. */
export interface ResultStatement {
  /** Protocol revision, e.g. `2025-11-25`. */
  version: string;
  kind: StatementKind;
  /** MUST / MUST NOT checks whose verdict is `fail` (baseline-expected ones left out). */
  mustFailures: number;
  /** MUST / MUST NOT checks whose verdict is `error`, `blocked` or `skipped` (baseline-expected ones left out). */
  inconclusive: number;
  /** SHOULD / SHOULD NOT checks whose verdict is `warn` (baseline-expected ones left out). */
  shouldWarnings: number;
  /** MUST / MUST NOT checks whose verdict is `warn`: a deviation the catalog tolerates (baseline-expected ones left out). */
  mustWarnings: number;
  /** MUST / MUST NOT checks whose verdict is `pass` (how much the statement rests on). */
  mustPassed: number;
  /** Checks at this version left out because a baseline entry expected their verdict. */
  baselined: number;
  /** The statement in words, e.g. `Conformant at MUST level for 2025-11-25; 2 SHOULD warnings`. */
  text: string;
}

const MUST_LEVELS: readonly Level[] = ['MUST', 'MUST NOT'];
const SHOULD_LEVELS: readonly Level[] = ['SHOULD', 'SHOULD NOT'];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The result statement of one version of `results` (see the module comment
 * for the rules). A version that is not among `results.protocolVersions`
 * simply has no checks: `conformant` with every count 0, `mustPassed` 0.
 */
export function statementFor(results: RunResults, version: string): ResultStatement {
  const expected = new Set(results.baseline?.expected ?? []);
  const atVersion = results.checks.filter((c) => c.protocolVersion === version);
  const counted: CheckResult[] = atVersion.filter((c) => !expected.has(`${c.id}@${c.protocolVersion}`) && c.baseline !== 'expected');
  const count = (levels: readonly Level[], verdicts: readonly string[]): number =>
    counted.filter((c) => levels.includes(c.level) && verdicts.includes(c.verdict)).length;
  const mustFailures = count(MUST_LEVELS, ['fail']);
  const inconclusive = count(MUST_LEVELS, ['error', 'blocked', 'skipped']);
  const shouldWarnings = count(SHOULD_LEVELS, ['warn']);
  const mustWarnings = count(MUST_LEVELS, ['warn']);
  const mustPassed = count(MUST_LEVELS, ['pass']);
  const baselined = atVersion.length - counted.length;
  const notSupported = results.discovery?.notNegotiated.includes(version) ?? false;
  const kind: StatementKind = notSupported ? 'not-supported' : mustFailures > 0 ? 'failures' : inconclusive > 0 ? 'inconclusive' : 'conformant';
  const head = {
    'not-supported': `Not supported: the server does not negotiate ${version}`,
    failures: `${plural(mustFailures, 'MUST failure')} for ${version}`,
    inconclusive: `Inconclusive for ${version}: ${plural(inconclusive, 'MUST check')} not decided (error, blocked or skipped)`,
    conformant: `Conformant at MUST level for ${version}`,
  }[kind];
  const extras = [
    ...(kind === 'failures' && inconclusive > 0 ? [`${inconclusive} more not decided`] : []),
    ...(kind !== 'not-supported' && mustWarnings > 0 ? [plural(mustWarnings, 'tolerated MUST warning')] : []),
    ...(kind !== 'not-supported' && shouldWarnings > 0 ? [plural(shouldWarnings, 'SHOULD warning')] : []),
  ];
  return { version, kind, mustFailures, inconclusive, shouldWarnings, mustWarnings, mustPassed, baselined, text: [head, ...extras].join('; ') };
}

/**
 * The result statement of every version under test, in the order of
 * `results.protocolVersions`. Never throws for a well-typed `results`.
 */
export function resultStatements(results: RunResults): ResultStatement[] {
  return results.protocolVersions.map((v) => statementFor(results, v));
}
