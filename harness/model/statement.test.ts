import { describe, expect, it } from 'vitest';
import { makeSampleResults, makeStdioSampleResults } from '../../reports/sample-results.js';
import type { CheckResult, Level, RunResults, Verdict } from './results.js';
import { resultStatements, statementFor } from './statement.js';

/** A results document holding only `checks` (each `[level, verdict]`) at `version`. */
function handBuilt(version: string, checks: Array<[Level, Verdict]>, extra: Partial<RunResults> = {}): RunResults {
  const base = makeSampleResults();
  const list: CheckResult[] = checks.map(([level, verdict], i) => ({
    ...base.checks[0]!,
    id: `s/c${i}`,
    scenario: 's',
    protocolVersion: version,
    level,
    verdict,
  }));
  return { ...base, protocolVersion: version, protocolVersions: [version], checks: list, ...extra };
}

describe('statementFor on the sample runs', () => {
  it('counts the 2025-06-18 MUST failure and the SHOULD warning apart', () => {
    const s = statementFor(makeSampleResults(), '2025-06-18');
    expect(s).toEqual({
      version: '2025-06-18',
      kind: 'failures',
      mustFailures: 1,
      inconclusive: 0,
      shouldWarnings: 1,
      mustWarnings: 0,
      mustPassed: 1,
      baselined: 0,
      text: '1 MUST failure for 2025-06-18; 1 SHOULD warning',
    });
  });

  it('calls 2025-11-25 inconclusive: a MUST check is blocked, none fails (the error is a MAY check)', () => {
    const s = statementFor(makeSampleResults(), '2025-11-25');
    expect(s.kind).toBe('inconclusive');
    expect([s.mustFailures, s.inconclusive, s.shouldWarnings, s.mustPassed]).toEqual([0, 1, 0, 2]);
    expect(s.text).toBe('Inconclusive for 2025-11-25: 1 MUST check not decided (error, blocked or skipped)');
  });

  it('gives one statement per version under test, in order', () => {
    expect(resultStatements(makeSampleResults()).map((s) => s.version)).toEqual(['2025-06-18', '2025-11-25']);
    const stdio = resultStatements(makeStdioSampleResults());
    expect(stdio).toHaveLength(1);
    expect(stdio[0]!.text).toBe('2 MUST failures for 2025-11-25; 1 more not decided; 1 SHOULD warning');
  });
});

describe('statementFor rules', () => {
  const V = '2025-11-25';

  it('is conformant when no MUST or MUST NOT check is fail, error, blocked or skipped', () => {
    const r = handBuilt(V, [['MUST', 'pass'], ['MUST NOT', 'pass'], ['MUST', 'not-applicable'], ['SHOULD', 'fail'], ['MAY', 'error'], ['INFO', 'info']]);
    const s = statementFor(r, V);
    expect(s.kind).toBe('conformant');
    expect(s.text).toBe('Conformant at MUST level for 2025-11-25');
    expect(s.mustPassed).toBe(2);
  });

  it('counts MUST NOT failures as MUST failures and names the plural', () => {
    const s = statementFor(handBuilt(V, [['MUST', 'fail'], ['MUST NOT', 'fail'], ['MUST', 'error']]), V);
    expect(s.kind).toBe('failures');
    expect(s.mustFailures).toBe(2);
    expect(s.inconclusive).toBe(1);
    expect(s.text).toBe('2 MUST failures for 2025-11-25; 1 more not decided');
  });

  it('is inconclusive on error, blocked or skipped MUST checks without a failure', () => {
    for (const v of ['error', 'blocked', 'skipped'] as const) {
      const s = statementFor(handBuilt(V, [['MUST', 'pass'], ['MUST', v]]), V);
      expect(s.kind).toBe('inconclusive');
      expect(s.inconclusive).toBe(1);
    }
  });

  it('counts SHOULD and SHOULD NOT warnings apart, and tolerated MUST warnings apart from them', () => {
    const s = statementFor(handBuilt(V, [['SHOULD', 'warn'], ['SHOULD NOT', 'warn'], ['MUST', 'warn'], ['MAY', 'info']]), V);
    expect(s.kind).toBe('conformant');
    expect([s.shouldWarnings, s.mustWarnings]).toEqual([2, 1]);
    expect(s.text).toBe('Conformant at MUST level for 2025-11-25; 1 tolerated MUST warning; 2 SHOULD warnings');
  });

  it('leaves out the checks a baseline expected', () => {
    const r = handBuilt(V, [['MUST', 'fail'], ['MUST', 'pass'], ['SHOULD', 'warn']]);
    r.baseline = { file: 'b.yaml', expected: [`s/c0@${V}`, `s/c2@${V}`], stale: [] };
    const s = statementFor(r, V);
    expect(s.kind).toBe('conformant');
    expect([s.mustFailures, s.shouldWarnings, s.baselined]).toEqual([0, 0, 2]);
    // The key names a version: the same check at another version still counts.
    r.baseline.expected = [`s/c0@2025-06-18`];
    expect(statementFor(r, V).kind).toBe('failures');
  });

  it('says not supported for a revision the server does not negotiate, whatever its checks', () => {
    const r = handBuilt(V, [['MUST', 'fail'], ['SHOULD', 'warn']]);
    r.discovery = {
      revisions: [],
      negotiated: ['2025-06-18'],
      notNegotiated: [V],
      sessionIds: 'issued',
      versionsChosen: 'requested',
      exchanges: [],
    };
    const s = statementFor(r, V);
    expect(s.kind).toBe('not-supported');
    expect(s.text).toBe('Not supported: the server does not negotiate 2025-11-25');
    expect(s.mustFailures).toBe(1); // still counted, for whoever wants the numbers
  });

  it('reads only the version asked for', () => {
    const r = handBuilt(V, [['MUST', 'fail']]);
    const s = statementFor(r, '2025-06-18');
    expect(s.kind).toBe('conformant');
    expect(s.mustPassed).toBe(0);
  });
});
