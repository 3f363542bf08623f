/**
 * The verdict policy: which verdict a violated check of each level gets,
 * and the cap a recorded verdict is held to (severity comes from the spec
 * keyword, RFC 2119: a violated MUST is `fail`, a SHOULD `warn`, undefined
 * behaviour `info`). The loader's lint and the runner both apply it.
 */
import type { Level, Verdict } from './results.js';

/** Most severe verdict a check of each level may yield. */
export const MAX_BAD: Readonly<Record<Level, Verdict>> = {
  MUST: 'fail',
  'MUST NOT': 'fail',
  SHOULD: 'warn',
  'SHOULD NOT': 'warn',
  MAY: 'info',
  INFO: 'info',
};

/** Severity of the verdicts a level caps (higher is worse); other verdicts are not capped. */
export const SEVERITY: Readonly<Record<string, number>> = { info: 1, warn: 2, fail: 3 };

/** Verdict a violated check of `level` gets: MUST → fail, SHOULD → warn, MAY/INFO → info. */
export function badVerdictFor(level: Level): Verdict {
  return MAX_BAD[level];
}

/** Caps `verdict` at what `level` allows (a `fail` recorded on a SHOULD check becomes `warn`). */
export function capVerdict(verdict: Verdict, level: Level): Verdict {
  const cap = MAX_BAD[level];
  const s = SEVERITY[verdict];
  if (s !== undefined && s > (SEVERITY[cap] ?? 0)) return cap;
  return verdict;
}
