/**
 * `mcp-session-conformance diff OLD.json NEW.json`: what changed between two
 * runs, per protocol version, as text for a terminal or Markdown for a
 * pull-request comment.
 *
 * Each check result (`<check id>@<version>`) of a version both runs tested
 * falls in at most one group:
 * - newly failing: its verdict is `fail`, `error` or `blocked` in NEW and was
 *   none of these in OLD (or the check was not in OLD);
 * - newly passing: `pass` in NEW, and `fail`, `error`, `blocked` or `warn` in OLD;
 * - changed: any other change of verdict, including a check present in only
 *   one of the runs (e.g. `pass` → `warn`, `fail` → `error`, `pass` →
 *   `not-applicable`).
 * A regression is a newly failing result that NEW's baseline does not expect:
 * exactly what would make NEW's run exit 1 where OLD's did not for that
 * check. A MUST `pass` → `warn` is listed as changed and is not a regression
 * (a `warn` never gates a run). A version tested by only one run is named,
 * not compared.
 */
import type { CheckResult, Level, RunResults, Verdict } from '../harness/model/results.js';
import { statementFor } from '../harness/model/statement.js';
import { displayValue } from './common.js';
import { escapeMarkdown, markdownTable } from './markdown.js';

/** Verdicts that gate a run's exit code (design.md, "Exit codes"). */
const GATING: readonly Verdict[] = ['fail', 'error', 'blocked'];

/** One check result that differs between the two runs. */
export interface DiffEntry {
  /** Fully qualified check ID. */
  id: string;
  title: string;
  level: Level;
  /** Verdict in OLD; absent when OLD has no result for the check at this version. */
  old?: Verdict;
  /** Verdict in NEW; absent when NEW has no result for the check at this version. */
  new?: Verdict;
  /** NEW's reason code or observation (target data: escape before display). */
  observed?: string;
  /** Newly failing and not expected by NEW's baseline. */
  regression: boolean;
}

/** The comparison at one protocol version. */
export interface VersionDiff {
  version: string;
  /** Which runs tested this version; only a version both tested is compared (the lists are empty otherwise). */
  inOld: boolean;
  inNew: boolean;
  newlyFailing: DiffEntry[];
  newlyPassing: DiffEntry[];
  changed: DiffEntry[];
  /** Results with the same verdict in both runs. */
  unchanged: number;
}

/** The comparison of two runs: versions in order (OLD's, then any only NEW tested), entries sorted by check ID. */
export interface RunDiff {
  versions: VersionDiff[];
  /** Newly failing results NEW's baseline does not expect, over every version. */
  regressions: number;
}

/** Labels of the two runs for the rendered header (typically the file names given on the command line). */
export interface DiffLabels {
  old: string;
  new: string;
}

function entry(o: CheckResult | undefined, n: CheckResult | undefined, regression: boolean): DiffEntry {
  const any = (n ?? o)!;
  const observed = n ? (n.reason ?? n.observed) : undefined;
  return {
    id: any.id,
    title: any.title,
    level: any.level,
    ...(o ? { old: o.verdict } : {}),
    ...(n ? { new: n.verdict } : {}),
    ...(observed !== undefined ? { observed } : {}),
    regression,
  };
}

/** Compares two runs (see the module comment for the groups). Pure; never throws for well-typed input. */
export function diffResults(oldRun: RunResults, newRun: RunResults): RunDiff {
  const versions = [...new Set([...oldRun.protocolVersions, ...newRun.protocolVersions])];
  const out: VersionDiff[] = versions.map((version) => {
    const inOld = oldRun.protocolVersions.includes(version);
    const inNew = newRun.protocolVersions.includes(version);
    const d: VersionDiff = { version, inOld, inNew, newlyFailing: [], newlyPassing: [], changed: [], unchanged: 0 };
    if (!inOld || !inNew) return d;
    const byId = (r: RunResults) => new Map(r.checks.filter((c) => c.protocolVersion === version).map((c) => [c.id, c] as const));
    const olds = byId(oldRun);
    const news = byId(newRun);
    const ids = [...new Set([...olds.keys(), ...news.keys()])].sort();
    for (const id of ids) {
      const o = olds.get(id);
      const n = news.get(id);
      if (o && n && o.verdict === n.verdict) {
        d.unchanged++;
      } else if (n && GATING.includes(n.verdict) && !(o && GATING.includes(o.verdict))) {
        d.newlyFailing.push(entry(o, n, n.baseline !== 'expected'));
      } else if (n?.verdict === 'pass' && o && [...GATING, 'warn'].includes(o.verdict)) {
        d.newlyPassing.push(entry(o, n, false));
      } else {
        d.changed.push(entry(o, n, false));
      }
    }
    return d;
  });
  return { versions: out, regressions: out.reduce((k, v) => k + v.newlyFailing.filter((e) => e.regression).length, 0) };
}

/** Exit code of `diff`: 1 when some result is a regression, else 0. */
export function diffExitCode(d: RunDiff): 0 | 1 {
  return d.regressions > 0 ? 1 : 0;
}

/** `serverInfo` name and version, suite version and start time of a run, in words (target data included: escape for markup). */
function runLine(r: RunResults): string {
  const si = r.target.serverInfo;
  const server = si ? `${displayValue(si.name)} ${displayValue(si.version)}`.trim() : '';
  return `${server || '(no serverInfo)'} at ${r.target.kind === 'stdio' ? (r.target.command ?? 'stdio') : r.target.url}; suite ${r.suiteVersion}; ${r.startedAt}`;
}

function counts(v: VersionDiff): string {
  return `${v.newlyFailing.length} newly failing, ${v.newlyPassing.length} newly passing, ${v.changed.length} changed, ${v.unchanged} unchanged`;
}

/** Each run's result statement at `v.version` (harness/model/statement.ts), as `OLD text → NEW text`; a run that did not test it says so. */
function statements(v: VersionDiff, oldRun: RunResults, newRun: RunResults): string {
  const say = (r: RunResults, tested: boolean) => (tested ? statementFor(r, v.version).text : 'not tested');
  return `${say(oldRun, v.inOld)} → ${say(newRun, v.inNew)}`;
}

function onlyIn(v: VersionDiff): string {
  return `tested only in ${v.inOld ? 'OLD' : 'NEW'}: not compared`;
}

const arrow = (e: DiffEntry) => `${e.old ?? '(absent)'} → ${e.new ?? '(absent)'}`;

function headline(d: RunDiff): string {
  return d.regressions > 0 ? `${d.regressions} regression${d.regressions === 1 ? '' : 's'} (checks newly fail, error or blocked)` : 'no regressions';
}

/**
 * The diff as plain text for a terminal: a header naming both runs, per
 * version its counts, both runs' result statements and one line per entry (`  <id>  <level>  <old> → <new>`,
 * `[expected by baseline]` on a newly failing result NEW's baseline expects),
 * and the verdict line. Control characters of target data are replaced by
 * spaces.
 */
export function renderDiffText(d: RunDiff, labels: DiffLabels, oldRun: RunResults, newRun: RunResults): string {
  const clean = (s: string) => s.replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ');
  const lines = [`diff ${clean(labels.old)} → ${clean(labels.new)}`, `  OLD: ${clean(runLine(oldRun))}`, `  NEW: ${clean(runLine(newRun))}`];
  for (const v of d.versions) {
    lines.push('', `${v.version}: ${v.inOld && v.inNew ? counts(v) : onlyIn(v)}`, `  result: ${clean(statements(v, oldRun, newRun))}`);
    const group = (name: string, es: DiffEntry[]) => {
      if (!es.length) return;
      lines.push(`  ${name}:`);
      for (const e of es) lines.push(`    ${e.id}  ${e.level}  ${arrow(e)}${e.new && GATING.includes(e.new) && !e.regression ? '  [expected by baseline]' : ''}`);
    };
    group('newly failing', v.newlyFailing);
    group('newly passing', v.newlyPassing);
    group('changed', v.changed);
  }
  lines.push('', `${headline(d)}: exit ${diffExitCode(d)}`);
  return lines.join('\n') + '\n';
}

/** A suite ID (check IDs are `[a-z0-9./-]`) as a code span; anything else escaped as text. */
function code(id: string): string {
  return /^[A-Za-z0-9./@ -]+$/.test(id) ? `\`${id}\`` : escapeMarkdown(id);
}

/**
 * The diff as GitHub-flavoured Markdown for a pull-request comment: a
 * heading with the outcome, both runs (file label, `serverInfo`, target,
 * suite version, date), and per version a heading with the counts, both
 * runs' result statements (`OLD → NEW`) and one table per non-empty group (check, title, level, old → new, NEW's reason or
 * observation). Every string from the results or the labels is escaped
 * ({@link escapeMarkdown}); check IDs are code spans.
 */
export function renderDiffMarkdown(d: RunDiff, labels: DiffLabels, oldRun: RunResults, newRun: RunResults): string {
  const out = [
    `## mcp-session-conformance diff: ${headline(d)}`,
    '',
    `- **OLD** ${escapeMarkdown(labels.old)}: ${escapeMarkdown(runLine(oldRun))}`,
    `- **NEW** ${escapeMarkdown(labels.new)}: ${escapeMarkdown(runLine(newRun))}`,
  ];
  for (const v of d.versions) {
    out.push('', `### ${v.version}: ${v.inOld && v.inNew ? counts(v) : onlyIn(v)}`, '', `Result: ${escapeMarkdown(statements(v, oldRun, newRun))}`);
    const group = (name: string, es: DiffEntry[]) => {
      if (!es.length) return;
      const rows = es.map((e) => [
        code(e.id),
        escapeMarkdown(e.title),
        escapeMarkdown(e.level),
        escapeMarkdown(arrow(e)) + (e.new && GATING.includes(e.new) && !e.regression ? ' (expected by baseline)' : ''),
        escapeMarkdown(truncate(e.observed ?? '', 200)),
      ]);
      out.push('', `**${name}**`, '', markdownTable(['Check', 'Title', 'Level', 'Verdict', 'Observed in NEW'], rows, new Set([0, 1, 2, 3, 4])));
    };
    group('Newly failing', v.newlyFailing);
    group('Newly passing', v.newlyPassing);
    group('Changed', v.changed);
  }
  return out.join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
