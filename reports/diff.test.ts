/** `diff`: real runs of the reference server and a broken variant compared both ways; the groups, regressions and escaping. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunResults } from '../harness/model/results.js';
import { runSuiteAgainst } from '../fixtures/harness-run.js';
import { diffExitCode, diffResults, renderDiffMarkdown, renderDiffText } from './diff.js';
import { escapeMarkdown } from './markdown.js';
import { HOSTILE, makeSampleResults } from './sample-results.js';

const GETS_404 = 'http.session.unknown-id/unknown-session-id-gets-404';
const DELETE_404 = 'http.session.unknown-id/unknown-session-id-delete-gets-404';
const V = '2025-11-25';
const LABELS = { old: 'old/results.json', new: 'new/results.json' };

let reference: RunResults;
let broken: RunResults;
beforeAll(async () => {
  // The variant serves a never-issued session ID: two MUST checks fail (fixtures/variants/sessions.ts, unknown-session-served).
  [reference, broken] = await Promise.all([runSuiteAgainst({}, [V], { sessionSamples: 16 }), runSuiteAgainst({ unknownSession: 'serve' }, [V], { sessionSamples: 16 })]);
});

/** `r` with the checks `change` returns a replacement for replaced. */
function edited(r: RunResults, change: (c: CheckResult) => CheckResult | undefined): RunResults {
  return { ...r, checks: r.checks.flatMap((c) => { const x = change(c); return x ? [x] : []; }) };
}

describe('diffResults on real runs', () => {
  it('reference → broken variant: the two failing checks are newly failing regressions, nothing else moved', () => {
    const d = diffResults(reference, broken);
    expect(d.versions.map((v) => v.version)).toEqual([V]);
    const v = d.versions[0]!;
    expect(v.newlyFailing.map((e) => [e.id, e.old, e.new, e.regression])).toEqual([
      [DELETE_404, 'pass', 'fail', true],
      [GETS_404, 'pass', 'fail', true],
    ]);
    expect(v.newlyPassing).toEqual([]);
    // Whatever else differs between two real runs is listed, never lost: the counts add up to every check.
    expect(v.newlyFailing.length + v.newlyPassing.length + v.changed.length + v.unchanged).toBe(broken.checks.length);
    expect(d.regressions).toBe(2);
    expect(diffExitCode(d)).toBe(1);
  });

  it('broken variant → reference: the same checks are newly passing, no regression (exit 0)', () => {
    const d = diffResults(broken, reference);
    expect(d.versions[0]!.newlyPassing.map((e) => [e.id, e.old, e.new])).toEqual([
      [DELETE_404, 'fail', 'pass'],
      [GETS_404, 'fail', 'pass'],
    ]);
    expect(d.versions[0]!.newlyFailing).toEqual([]);
    expect(diffExitCode(d)).toBe(0);
  });

  it('a run against itself has nothing to report', () => {
    const d = diffResults(reference, reference);
    expect(d.versions[0]).toMatchObject({ newlyFailing: [], newlyPassing: [], changed: [], unchanged: reference.checks.length });
    expect(diffExitCode(d)).toBe(0);
  });

  it('a failure NEW\'s baseline expects is newly failing but not a regression', () => {
    const expected = edited(broken, (c) => ({ ...c, ...(c.verdict === 'fail' ? { baseline: 'expected' as const } : {}) }));
    const d = diffResults(reference, expected);
    expect(d.versions[0]!.newlyFailing.map((e) => e.regression)).toEqual([false, false]);
    expect(diffExitCode(d)).toBe(0);
    expect(renderDiffText(d, LABELS, reference, expected)).toContain('[expected by baseline]');
  });

  it('MUST pass → warn, pass → not-applicable, fail → error and a removed check are changed; error and blocked are newly failing', () => {
    const [a, b, c, e] = reference.checks.filter((x) => x.verdict === 'pass' && x.level === 'MUST');
    const next = edited(broken, (x) => {
      if (x.id === a!.id) return { ...x, verdict: 'warn' };
      if (x.id === b!.id) return { ...x, verdict: 'not-applicable', reason: 'capability-declared' };
      if (x.id === GETS_404) return { ...x, verdict: 'error', reason: 'timeout' };
      if (x.id === c!.id) return undefined;
      if (x.id === e!.id) return { ...x, verdict: 'blocked', reason: 'prerequisite-not-met' };
      return x;
    });
    const v = diffResults(broken, next).versions[0]!;
    expect(Object.fromEntries(v.changed.map((x) => [x.id, `${x.old ?? '-'}>${x.new ?? '-'}`]))).toEqual({
      [a!.id]: 'pass>warn',
      [b!.id]: 'pass>not-applicable',
      [GETS_404]: 'fail>error',
      [c!.id]: 'pass>-',
    });
    expect(v.newlyFailing.map((x) => [x.id, x.new, x.regression])).toEqual([[e!.id, 'blocked', true]]);
  });

  it('a version tested by one run only is named and not compared', () => {
    const other = { ...broken, protocolVersions: ['2025-06-18'], checks: broken.checks.map((c) => ({ ...c, protocolVersion: '2025-06-18' })) };
    const d = diffResults(reference, other);
    expect(d.versions.map((v) => [v.version, v.inOld, v.inNew, v.newlyFailing.length])).toEqual([
      [V, true, false, 0],
      ['2025-06-18', false, true, 0],
    ]);
    expect(diffExitCode(d)).toBe(0);
    expect(renderDiffText(d, LABELS, reference, other)).toContain('2025-06-18: tested only in NEW: not compared');
  });
});

describe('rendered diffs', () => {
  it('text: both runs, per-version counts, one line per entry and the exit verdict', () => {
    const text = renderDiffText(diffResults(reference, broken), LABELS, reference, broken);
    expect(text).toContain('diff old/results.json → new/results.json');
    expect(text).toMatch(new RegExp(`${V}: 2 newly failing, 0 newly passing, \\d+ changed, \\d+ unchanged`));
    expect(text).toContain(`    ${GETS_404}  MUST  pass → fail`);
    expect(text).toContain(`  result: Conformant at MUST level for ${V} → 2 MUST failures for ${V}`);
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 regressions (checks newly fail, error or blocked): exit 1');
  });

  it('markdown: a heading with the outcome and a table per group, check IDs as code', () => {
    const md = renderDiffMarkdown(diffResults(reference, broken), LABELS, reference, broken);
    expect(md.split('\n')[0]).toBe('## mcp-session-conformance diff: 2 regressions (checks newly fail, error or blocked)');
    expect(md).toContain('**Newly failing**');
    expect(md).toContain('| Check | Title | Level | Verdict | Observed in NEW |');
    expect(md).toMatch(new RegExp(`\\| \`${GETS_404.replace(/\./g, '\\.')}\` \\| .* \\| MUST \\| pass → fail \\| `));
  });

  it('markdown escapes target data: no raw markup, link, mention or table break survives', () => {
    const sample = makeSampleResults();
    const hostile = `${HOSTILE} [x](javascript:alert(1)) ![i](http://e/x.png) @someone | cell\nnext`;
    const worse = edited(sample, (c) => (c.verdict === 'pass' ? { ...c, verdict: 'fail', observed: hostile } : c));
    const md = renderDiffMarkdown(diffResults(sample, worse), { old: '<b>old</b>', new: 'new|x' }, sample, worse);
    expect(md).not.toMatch(/<script|<b>|\]\(|!\[|@someone/);
    expect(md).toContain(escapeMarkdown(hostile));
    // Each table row keeps its five cells: an escaped pipe does not split a cell.
    for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) expect(row.split(/(?<!\\)\|/).length).toBe(7);
    expect(escapeMarkdown('a\nb|c')).toBe('a b\\|c');
  });
});
