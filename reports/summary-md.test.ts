/** summary.md: the result statement first, counts, what needs attention; target data escaped. */
import { describe, expect, it } from 'vitest';
import { resultStatements } from '../harness/model/statement.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { HOSTILE, makeSampleResults, makeStdioSampleResults, STDIO_COMMAND } from './sample-results.js';

describe('renderSummaryMarkdown', () => {
  const results = makeSampleResults();
  const md = renderSummaryMarkdown(results);

  it('opens with the result statement of every version, as statement.ts words it', () => {
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^## MCP session conformance: evil /);
    const table = lines.slice(2, 6);
    expect(table[0]).toBe('| Protocol version | Result |');
    expect(table.slice(2)).toEqual(
      resultStatements(results).map((s) => expect.stringContaining(s.text.replace(/[-.()]/g, (c) => `\\${c}`))),
    );
    expect(table[2]).toContain('❌');
    expect(table[3]).toContain('⚠️');
  });

  it('gives the verdict counts of results.json and lists the gating checks and the warnings', () => {
    const counts = md.split('\n').find((l) => /^\| \d+ \|/.test(l))!;
    expect(counts).toBe(`| ${['pass', 'fail', 'warn', 'info', 'not-applicable', 'skipped', 'blocked', 'error'].map((v) => results.summary[v as keyof typeof results.summary]).join(' | ')} |`);
    const gating = results.checks.filter((c) => ['fail', 'error', 'blocked'].includes(c.verdict));
    expect(md).toContain(`### Needs attention (fail, error or blocked): ${gating.length}`);
    for (const c of gating) expect(md).toContain(`| \`${c.id}\` |`);
    expect(md).toContain('### Warnings: 1');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('escapes target data: no raw markup survives, table rows keep their cells', () => {
    expect(md).not.toContain('<script');
    expect(md).not.toContain(HOSTILE);
    expect(md).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    for (const row of md.split('\n').filter((l) => l.startsWith('| `'))) expect(row.split(/(?<!\\)\|/).length).toBe(7);
  });

  it('caps long sections, names the baseline and its stale entries, and says when the run was interrupted', () => {
    const r = {
      ...results,
      interrupted: true,
      baseline: { file: 'baseline.yml', expected: [], stale: [{ check: 'session-id/visible-ascii', verdict: 'fail' }] },
    };
    const capped = renderSummaryMarkdown(r, { maxRows: 1 });
    expect(capped).toContain('… and 2 more: see report.html.');
    expect(capped).toContain('**Baseline** baseline\\.yml: 0 expected verdicts, 1 stale entries');
    expect(capped).toContain('- stale: `session-id/visible-ascii` no longer gives fail');
    expect(capped).toContain('**Interrupted:**');
  });

  it('a baseline-expected failure is not listed as needing attention', () => {
    const fail = results.checks.find((c) => c.verdict === 'fail')!;
    const r = { ...results, checks: results.checks.map((c) => (c === fail ? { ...c, baseline: 'expected' as const } : c)) };
    expect(renderSummaryMarkdown(r)).not.toContain(`| \`${fail.id}\` |`);
  });

  it('names the command of a stdio target', () => {
    const s = renderSummaryMarkdown(makeStdioSampleResults());
    expect(s).toContain('**Command** node server\\.js \\-\\-greeting "&lt;b&gt;hi&lt;/b&gt; &amp; bye"');
    expect(s).not.toContain(STDIO_COMMAND);
    expect(s).toContain('**Transport** stdio');
  });
});
