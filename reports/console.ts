/**
 * Console output as pure functions returning strings; the CLI prints them.
 * Target text is neutralised (no raw control characters, hence no terminal
 * escape sequences from the target) and bounded in length.
 */
import type { CheckResult, EraDetection, RunDiscovery, RunResults, Verdict } from '../harness/model/results.js';
import { LEVEL_ORDER, seconds, transportOf, VERDICT_ORDER, type TargetLike } from './common.js';

/** Options of the console formatters. */
export interface ConsoleOptions {
  /** Colour with ANSI SGR escape codes. Default false (plain text). */
  color?: boolean;
}

/** Fixed-width (5 characters) tag of each verdict, as printed at the start of a check line. */
export const VERDICT_TAGS: Record<Verdict, string> = {
  pass: 'PASS ',
  fail: 'FAIL ',
  warn: 'WARN ',
  info: 'INFO ',
  'not-applicable': 'N/A  ',
  skipped: 'SKIP ',
  blocked: 'BLOCK',
  error: 'ERROR',
};

const SGR: Record<Verdict, string> = {
  pass: '32',
  fail: '1;31',
  warn: '33',
  info: '36',
  'not-applicable': '90',
  skipped: '90',
  blocked: '35',
  error: '1;35',
};

/** Longest target-derived field (expected/observed/reason) shown on a line, in characters. */
const FIELD_LIMIT = 300;

/**
 * One check result as console text: `<TAG> <check id>@<version>  <title>`,
 * and for every verdict but `pass` a second line
 * `      -> <LEVEL>: expected …; observed …; reason: …` (absent parts left out).
 * Fields are cut at 300 characters; control characters become `\uXXXX`.
 * With `opts.color` the tag is coloured by verdict and the second line dimmed.
 * No trailing newline. Never throws.
 */
export function formatCheckLine(c: CheckResult, opts: ConsoleOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const first = `${paint(SGR[c.verdict], VERDICT_TAGS[c.verdict])} ${clean(c.id)}@${clean(c.protocolVersion)}  ${clean(c.title)}`;
  if (c.verdict === 'pass') return first;
  const parts = [
    c.expected !== undefined ? `expected ${clean(c.expected)}` : undefined,
    c.observed !== undefined ? `observed ${clean(c.observed)}` : undefined,
    c.reason !== undefined ? `reason: ${clean(c.reason)}` : undefined,
  ].filter((p): p is string => p !== undefined);
  const detail = parts.length > 0 ? `${c.level}: ${parts.join('; ')}` : c.level;
  return `${first}\n${paint('2', `      -> ${detail}`)}`;
}

/**
 * The discovery header, printed once before any check line: what initialize
 * at each session-era revision was answered with, which revisions the run
 * judges and why those, and, for each judged revision the server does not
 * negotiate, one plain sentence saying that its checks are not-applicable
 * (only the version-negotiation scenarios judge it). No trailing newline.
 */
export function formatDiscovery(d: RunDiscovery, versions: readonly string[]): string {
  const lines = ['Server negotiates:'];
  for (const r of d.revisions) {
    const tag = r.support === 'supported' ? 'yes' : r.support === 'not-supported' ? 'no ' : '?  ';
    lines.push(`  ${tag} ${r.requested}  initialize answered with ${clean(r.observed)}${r.latencyMs !== undefined ? ` (${r.latencyMs} ms)` : ''}`);
  }
  if (d.era) lines.push(formatEra(d.era));
  const why =
    d.versionsChosen === 'requested'
      ? 'as requested'
      : d.versionsChosen === 'newest-negotiated'
        ? `${[
            ...(d.negotiated.length ? ['the newest revision the server negotiates through initialize'] : []),
            ...(d.era?.statelessVersions.includes('2026-07-28') ? ['2026-07-28, which it serves statelessly (server/discover)'] : []),
          ].join(', and ')}; --protocol-version all judges every revision`
        : 'the default: the server negotiated no revision';
  lines.push(`Judging at ${versions.join(', ')} (${why})`);
  for (const v of d.notNegotiated)
    lines.push(`  ${v}: the server does not negotiate it, so its rules do not apply: every check at ${v} is not-applicable (version-not-supported-by-server), except version negotiation, which judges this very answer`);
  return lines.join('\n');
}

/**
 * The era line: `Era: dual-era (session era: 2025-03-26, …; stateless:
 * 2026-07-28 — server/discover answered with …)`, or for `unknown` the error
 * that left it unknown. Target strings are cleaned. No trailing newline.
 */
export function formatEra(e: EraDetection): string {
  const session = e.sessionVersions.length ? e.sessionVersions.join(', ') : 'none';
  const stateless = e.statelessVersions.length ? e.statelessVersions.map(clean).join(', ') : 'none';
  const head = `Era: ${e.era} (initialize negotiates: ${session}; server/discover lists: ${stateless})`;
  return e.error ? `${head}\n  era unknown: ${clean(e.error)}` : `${head}\n  server/discover answered with ${clean(e.discover)}`;
}

/**
 * The transport and target in one line: `transport: stdio (<command>)`, with
 * `, cwd <dir>` and `, env <NAME>, <NAME> (values not shown)` when `--cwd` /
 * `--env` were given, or `transport: streamable-http <url>`. `target.transport`
 * may be absent (before the run fills it in): it is then derived from
 * `target.kind`. Control characters become `\uXXXX`, the command and URL are
 * cut at 300 characters. No trailing newline. Never throws.
 */
export function formatTransport(target: TargetLike): string {
  return `transport: ${describeTransport(target)}`;
}

/**
 * The line printed when judging starts:
 * `judging <n> scenario(s); transport: …` (see {@link formatTransport}).
 * No trailing newline. Never throws.
 */
export function formatRunStart(target: TargetLike, scenarios: number): string {
  return `judging ${scenarios} scenario${scenarios === 1 ? '' : 's'}; ${formatTransport(target)}`;
}

function describeTransport(t: TargetLike): string {
  if (transportOf(t) !== 'stdio') return `streamable-http ${clean(t.url)}`;
  const parts = [`stdio (${clean(t.command ?? '(no command recorded)')})`];
  if (t.cwd !== undefined) parts.push(`cwd ${clean(t.cwd)}`);
  if (t.env?.length) parts.push(`env ${t.env.map(clean).join(', ')} (values not shown)`);
  return parts.join(', ');
}

/**
 * The end-of-run summary: a `Transport: …` line (as {@link formatTransport}),
 * a line of counts by verdict (`results.summary`),
 * a table of counts per level (rows, strictest first, levels without any
 * check left out) × verdict (columns), and the total duration, plus a
 * warning line when the run was interrupted. The exit-code explanation is
 * not included (the CLI adds it). No trailing newline. Never throws.
 */
export function formatSummary(results: RunResults, opts: ConsoleOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const total = VERDICT_ORDER.reduce((n, v) => n + (results.summary[v] ?? 0), 0);
  const counts = VERDICT_ORDER.map((v) => {
    const n = results.summary[v] ?? 0;
    const text = `${n} ${v}`;
    return n > 0 ? paint(SGR[v], text) : text;
  });
  const lines = [`Transport: ${describeTransport(results.target)}`, `Checks: ${total} — ${counts.join(', ')}`, ''];

  const levels = [...LEVEL_ORDER, ...Object.keys(results.byLevel).filter((l) => !(LEVEL_ORDER as readonly string[]).includes(l))];
  const rows = levels.filter((l) => VERDICT_ORDER.some((v) => (results.byLevel[l]?.[v] ?? 0) > 0));
  const width = Math.max(10, ...rows.map((l) => l.length)) + 2;
  lines.push('Level'.padEnd(width) + VERDICT_ORDER.map((v) => VERDICT_TAGS[v].trim().padStart(6)).join(''));
  for (const l of rows) {
    const cells = VERDICT_ORDER.map((v) => {
      const n = results.byLevel[l]?.[v] ?? 0;
      const cell = String(n).padStart(6);
      return n > 0 ? paint(SGR[v], cell) : paint('2', cell);
    });
    lines.push(clean(l).padEnd(width) + cells.join(''));
  }
  lines.push('', `Duration: ${seconds(results.durationMs)}s`);
  if (results.interrupted) lines.push(paint('1;33', 'Run was interrupted: results are incomplete.'));
  return lines.join('\n');
}

function painter(color: boolean): (code: string, text: string) => string {
  return color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}

/**
 * One bounded line with every control character (incl. ESC, CR, LF), bidi
 * override/isolate, line/paragraph separator, lone surrogate and U+FFFE/FFFF as `\uXXXX`.
 */
function clean(s: string): string {
  const cut = s.length > FIELD_LIMIT ? s.slice(0, FIELD_LIMIT) + '…' : s;
  return cut.replace(
    /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]|\p{Cs}/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
}
