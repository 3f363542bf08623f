/**
 * A check's level against its requirements' catalog levels. The verdict a
 * violated check gets follows its level (MUST → fail, SHOULD → warn, MAY and
 * INFO → info); a check stricter than every requirement it cites (a MUST
 * check on SHOULD requirements, a SHOULD check on a MAY or on behaviour the
 * spec leaves undefined) gives a harsher verdict than the spec text does, so
 * it must say why in `level-reason` (e.g. a catalog ambiguity note, or a
 * stricter statement elsewhere in the spec). The loader applies this as a
 * lint (file:line:col).
 */
import type { Level, Verdict } from './results.js';
import type { CheckDecl } from './scenario.js';
import { MAX_BAD, SEVERITY } from './verdict-policy.js';

/** Severity of the verdict a violation at `level` gets: 3 fail, 2 warn, 1 info. */
function severityOf(level: Level): number {
  return SEVERITY[MAX_BAD[level]] ?? 1;
}

/** The verdict of a severity, for messages. */
const VERDICT_OF: Record<number, Verdict> = { 1: 'info', 2: 'warn', 3: 'fail' };

/**
 * How strict a requirement is, from the level text of the catalog
 * (`suites/_catalog/requirements.yaml`, e.g. `"MUST (S)"`, `"SHOULD (C) /
 * MAY (S)"`, `"U"`): the severity of its strictest RFC 2119 keyword in
 * capitals (MUST and MUST NOT 3, SHOULD and SHOULD NOT 2), else 1 (MAY, `U`
 * for undefined behaviour, a spec statement, lower-case advice). The text is
 * read as a whole: a level that differs by revision counts with its
 * strictest keyword at every revision.
 * @returns undefined when the catalog gives no level (a bare ID list)
 */
export function catalogSeverity(levelText: string | undefined): number | undefined {
  if (levelText === undefined) return undefined;
  if (/\bMUST\b/.test(levelText)) return 3;
  if (/\bSHOULD\b/.test(levelText)) return 2;
  return 1;
}

/** Where a check is stricter than its requirements: which key, and the problem. */
export interface LevelProblem {
  /** Key path inside the check declaration to point at, e.g. `['level']` or `['escalate', 'level']`. */
  at: string[];
  problem: string;
}

/**
 * Cross-checks one check's level with its requirements' catalog levels.
 * Each level the check has is compared (its `level`, and its `escalate.level`
 * from `escalate.from` on) with the strictest of its requirements. A check
 * at most as strict as one of its requirements needs nothing; a stricter one
 * needs `level-reason`; a `level-reason` on a check that is not stricter is
 * a problem too (it would go stale). INFO and MAY checks are never stricter.
 * @param levels catalog level text by requirement ID (`undefined`: none given)
 * @returns the problem, or undefined when the check is consistent (or a requirement has no catalog level)
 */
export function checkLevelProblem(c: CheckDecl, levels: ReadonlyMap<string, string | undefined>): LevelProblem | undefined {
  const reqs = c.requirements.map((r) => ({ id: r, text: levels.get(r), severity: catalogSeverity(levels.get(r)) }));
  if (reqs.some((r) => r.severity === undefined)) return undefined;
  const ceiling = Math.max(...reqs.map((r) => r.severity!));
  const stricter: Array<{ at: string[]; what: string }> = [];
  if (severityOf(c.level) > ceiling) stricter.push({ at: ['level'], what: `${c.level}${c.escalate ? ` before ${c.escalate.from}` : ''}` });
  if (c.escalate && severityOf(c.escalate.level) > ceiling) stricter.push({ at: ['escalate', 'level'], what: `${c.escalate.level} from ${c.escalate.from} (escalate)` });
  const cited = reqs.map((r) => `${r.id}: "${r.text}"`).join(', ');
  if (stricter.length && !c['level-reason'])
    return {
      at: stricter[0]!.at,
      problem: `check "${c.id}" is ${stricter.map((s) => s.what).join(' and ')}, stricter than every requirement it cites (${cited}; at most ${VERDICT_OF[ceiling]}): say why in "level-reason", or lower the level`,
    };
  if (!stricter.length && c['level-reason'])
    return { at: ['level-reason'], problem: `check "${c.id}" is not stricter than its requirements (${cited}): remove "level-reason"` };
  return undefined;
}
