/**
 * `summary.md`: the run in GitHub-flavoured Markdown for a CI job summary
 * (e.g. appended to `$GITHUB_STEP_SUMMARY`), also printed by the main run
 * with `--format markdown`. It leads with the result statement per protocol
 * version (`harness/model/statement.ts`), then the target and the verdict
 * counts, then the checks that need attention. Every string from the results
 * is escaped ({@link escapeMarkdown}); check IDs are code spans.
 */
import type { CheckResult, RunResults } from '../harness/model/results.js';
import { resultStatements, type StatementKind } from '../harness/model/statement.js';
import { displayValue, transportOf, VERDICT_ORDER, LEVEL_ORDER } from './common.js';
import { escapeMarkdown, markdownTable } from './markdown.js';

/** Options of {@link renderSummaryMarkdown}. */
export interface SummaryMarkdownOptions {
  /** Most rows listed per section (failures, warnings); the rest are counted. Default 50. */
  maxRows?: number;
}

/** The mark shown before each statement kind. */
export const STATEMENT_MARK: Record<StatementKind, string> = {
  conformant: '✅',
  failures: '❌',
  inconclusive: '⚠️',
  'not-supported': '➖',
};

/** Verdicts listed under "Needs attention", worst first. */
const ATTENTION = ['fail', 'error', 'blocked'] as const;

function code(id: string): string {
  return /^[a-z0-9./-]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id);
}

function checkRows(checks: CheckResult[], max: number): { table: string; more: number } {
  const levelRank = (c: CheckResult) => LEVEL_ORDER.indexOf(c.level);
  const sorted = [...checks].sort((a, b) => levelRank(a) - levelRank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || (a.protocolVersion < b.protocolVersion ? -1 : 1));
  const rows = sorted.slice(0, max).map((c) => {
    const said = c.observed ?? c.reason ?? '';
    return [code(c.id), escapeMarkdown(c.protocolVersion), escapeMarkdown(c.level), escapeMarkdown(c.verdict), escapeMarkdown(said.length > 200 ? `${said.slice(0, 199)}…` : said)];
  });
  return { table: markdownTable(['Check', 'Version', 'Level', 'Verdict', 'Observed'], rows, new Set([0, 1, 2, 3, 4])), more: sorted.length - rows.length };
}

/**
 * Renders the run as Markdown: a heading naming the server (`serverInfo`),
 * a table of the result statement per version (with a mark per kind), the
 * target (URL or stdio command), transport, era, suite version and date, a
 * table of verdict counts, then "Needs attention" (checks `fail`, `error`
 * or `blocked` that no baseline entry expects, strictest level first) and
 * "Warnings" (`warn`), each listing at most `maxRows` rows, then the
 * baseline's stale entries and an interruption notice when there are any.
 * Ends with a newline. Never throws for a well-typed `results`.
 */
export function renderSummaryMarkdown(results: RunResults, opts: SummaryMarkdownOptions = {}): string {
  const max = opts.maxRows ?? 50;
  const t = results.target;
  const server = t.serverInfo ? `${displayValue(t.serverInfo.name)} ${displayValue(t.serverInfo.version)}`.trim() : '';
  const stdio = transportOf(t) === 'stdio';
  const out: string[] = [`## MCP session conformance: ${server ? escapeMarkdown(server) : '(no serverInfo seen)'}`, ''];

  const statements = resultStatements(results);
  out.push(markdownTable(['Protocol version', 'Result'], statements.map((s) => [escapeMarkdown(s.version), `${STATEMENT_MARK[s.kind]} ${escapeMarkdown(s.text)}`]), new Set([0, 1])), '');

  const era = results.discovery?.era?.era;
  const facts = [
    [stdio ? 'Command' : 'Target', stdio ? (t.command ?? 'stdio') : t.url],
    ['Transport', transportOf(t)],
    ...(era ? [['Era', era]] : []),
    ['Suite', results.suiteVersion],
    ['Date', results.startedAt],
  ];
  out.push(facts.map(([k, v]) => `**${k}** ${escapeMarkdown(v!)}`).join(' · '), '');
  out.push(markdownTable([...VERDICT_ORDER], [VERDICT_ORDER.map((v) => String(results.summary[v] ?? 0))]), '');

  if (results.interrupted) out.push('> **Interrupted:** the run was cut short; results are incomplete.', '');
  const expected = new Set(results.baseline?.expected ?? []);
  const gating = results.checks.filter((c) => (ATTENTION as readonly string[]).includes(c.verdict) && c.baseline !== 'expected' && !expected.has(`${c.id}@${c.protocolVersion}`));
  const warnings = results.checks.filter((c) => c.verdict === 'warn');
  for (const [title, list] of [
    ['Needs attention (fail, error or blocked)', gating],
    ['Warnings', warnings],
  ] as const) {
    if (!list.length) continue;
    const { table, more } = checkRows(list, max);
    out.push(`### ${title}: ${list.length}`, '', table, '');
    if (more > 0) out.push(`… and ${more} more: see report.html.`, '');
  }
  if (!gating.length) out.push('No check is fail, error or blocked' + (results.baseline?.expected.length ? ' beyond what the baseline expects.' : '.'), '');
  if (results.baseline) {
    out.push(`**Baseline** ${escapeMarkdown(results.baseline.file)}: ${results.baseline.expected.length} expected verdicts, ${results.baseline.stale.length} stale entries`, '');
    for (const e of results.baseline.stale) out.push(`- stale: ${code(e.check)}${e.version ? ` at ${escapeMarkdown(e.version)}` : ''} no longer gives ${escapeMarkdown(e.verdict)}`);
    if (results.baseline.stale.length) out.push('');
  }
  return out.join('\n');
}
