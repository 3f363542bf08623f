/** A check's level against its requirements' catalog levels: stricter only with a stated `level-reason`. */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { catalogSeverity, checkLevelProblem } from './levels.js';
import { loadRequirementIds, loadScenario, loadSuite, ScenarioError } from '../load/loader.js';
import { SUITES_DIR } from './paths.js';
import type { CheckDecl } from './scenario.js';

const LEVELS = new Map<string, string | undefined>([
  ['R-MUST-001', 'MUST (S)'],
  ['R-SHOULD-001', 'SHOULD (S)'],
  ['R-MAY-001', 'MAY (S)'],
  ['R-U-001', 'U'],
  ['R-SPLIT-001', 'SHOULD (11-05, 03-26) → MUST (06-18+) (S)'],
  ['R-NONE-001', undefined],
]);

function check(level: CheckDecl['level'], requirements: string[], extra: Partial<CheckDecl> = {}): CheckDecl {
  return { id: 'c', title: 'C', level, requirements, spec: 'basic/index', ...extra };
}

describe('catalogSeverity', () => {
  it('reads the strictest capitalised keyword of the level text', () => {
    expect(catalogSeverity('MUST (S)')).toBe(3);
    expect(catalogSeverity('MUST NOT (S)')).toBe(3);
    expect(catalogSeverity('SHOULD (S) (the 06-18+ security page makes it MUST: "secure")')).toBe(3);
    expect(catalogSeverity('SHOULD (C) / MAY (S)')).toBe(2);
    expect(catalogSeverity('SHOULD NOT (S)')).toBe(2);
    expect(catalogSeverity('MAY (S)')).toBe(1);
    expect(catalogSeverity('U')).toBe(1);
    expect(catalogSeverity('"should" (lower case, advice) (S)')).toBe(1);
    expect(catalogSeverity('spec statement')).toBe(1);
    expect(catalogSeverity(undefined)).toBeUndefined();
  });
});

describe('checkLevelProblem', () => {
  it('a check at most as strict as one of its requirements needs no reason', () => {
    expect(checkLevelProblem(check('MUST', ['R-MUST-001']), LEVELS)).toBeUndefined();
    expect(checkLevelProblem(check('MUST', ['R-SHOULD-001', 'R-MUST-001']), LEVELS)).toBeUndefined();
    expect(checkLevelProblem(check('SHOULD', ['R-MUST-001']), LEVELS)).toBeUndefined();
    expect(checkLevelProblem(check('MUST NOT', ['R-SPLIT-001']), LEVELS)).toBeUndefined();
  });

  it('INFO and MAY checks are always allowed', () => {
    expect(checkLevelProblem(check('INFO', ['R-U-001']), LEVELS)).toBeUndefined();
    expect(checkLevelProblem(check('MAY', ['R-U-001']), LEVELS)).toBeUndefined();
  });

  it('a stricter check without level-reason is a problem at its level', () => {
    const p = checkLevelProblem(check('MUST', ['R-SHOULD-001', 'R-MAY-001']), LEVELS);
    expect(p?.at).toEqual(['level']);
    expect(p?.problem).toMatch(/"c" is MUST, stricter than every requirement it cites \(R-SHOULD-001: "SHOULD \(S\)", R-MAY-001: "MAY \(S\)"; at most warn\)/);
    expect(checkLevelProblem(check('SHOULD', ['R-U-001']), LEVELS)?.problem).toMatch(/at most info/);
  });

  it('escalate is a level too: a SHOULD check escalated to MUST over SHOULD requirements is stricter from that version', () => {
    const p = checkLevelProblem(check('SHOULD', ['R-SHOULD-001'], { escalate: { from: '2025-06-18', level: 'MUST' } }), LEVELS);
    expect(p?.at).toEqual(['escalate', 'level']);
    expect(p?.problem).toMatch(/is MUST from 2025-06-18 \(escalate\)/);
    expect(checkLevelProblem(check('SHOULD', ['R-SPLIT-001'], { escalate: { from: '2025-06-18', level: 'MUST' } }), LEVELS)).toBeUndefined();
  });

  it('a level-reason makes a stricter check valid, and is a problem on a check that is not stricter', () => {
    expect(checkLevelProblem(check('MUST', ['R-SHOULD-001'], { 'level-reason': 'the catalog says so' }), LEVELS)).toBeUndefined();
    const p = checkLevelProblem(check('SHOULD', ['R-SHOULD-001'], { 'level-reason': 'not needed at all' }), LEVELS);
    expect(p?.at).toEqual(['level-reason']);
    expect(p?.problem).toMatch(/not stricter .*remove "level-reason"/);
  });

  it('a requirement without a catalog level (a bare ID list) is not judged', () => {
    expect(checkLevelProblem(check('MUST', ['R-NONE-001']), LEVELS)).toBeUndefined();
  });
});

describe('the loader lints levels against the catalog', () => {
  const ids = loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml'));
  const file = join(SUITES_DIR, '__levels-test__', 'x.yaml');
  /** HTTP-SESS-005 is "SHOULD (S)" in the bundled catalog. */
  const text = (extra = '') =>
    [
      'id: test.levels.sample',
      'title: A MUST check over a SHOULD requirement',
      'versions: { from: "2025-03-26" }',
      'checks:',
      '  - id: c',
      '    title: C',
      '    level: MUST',
      '    requirements: [HTTP-SESS-005]',
      '    spec: basic/transports',
      ...(extra ? [extra] : []),
      'steps:',
      '  - http: { jsonrpc: { method: ping } }',
      '    expect: { c: { status: 200 } }',
    ].join('\n');

  it('a stricter check without level-reason fails at its level (file:line:col)', () => {
    expect(ids.levels?.get('HTTP-SESS-005')).toBe('SHOULD (S)');
    let err: unknown;
    try {
      loadScenario(file, SUITES_DIR, ids, undefined, text());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toMatch(/^__levels-test__\/x\.yaml:7:12: check "c" is MUST, stricter than every requirement it cites \(HTTP-SESS-005: "SHOULD \(S\)"/);
  });

  it('with a level-reason it loads', () => {
    expect(loadScenario(file, SUITES_DIR, ids, undefined, text('    level-reason: a reason stated here')).checks[0]!['level-reason']).toBe('a reason stated here');
  });

  it('every check of the bundled suite that is stricter than its requirements states why', () => {
    const stated = loadSuite(SUITES_DIR).flatMap((s) => s.checks.filter((c) => c['level-reason']).map((c) => `${s.id}/${c.id}`));
    // The loader rejects both a missing and a needless level-reason, so these are exactly the stricter checks.
    expect(stated.sort()).toEqual([
      'http.headers.version-on-initialize/matching-header-accepted',
      'http.headers.well-formed-initialize/no-fallback-status',
      'http.session.isolation/echoed-session-id-matches',
      'stateless.eras/dual-era-serves-both',
      'stateless.meta/missing-client-info-served',
      'transports.stdio.framing/no-batch-array-lines',
    ]);
  });
});
