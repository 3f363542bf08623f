#!/usr/bin/env node
/**
 * `mcp-session-conformance`: the main job. Parses flags, starts or checks the
 * target, runs the selected scenarios, prints progress and a summary, writes
 * `results.json`, `junit.xml`, `report.html`, `summary.md` and `badge.svg`. The run itself is the typed
 * API's (`harness/api.ts`); this module keeps the flags, printing and exit codes.
 *
 * With `api.ts`, this module is a composition root: the only harness modules
 * that import `reports/`.
 *
 * Exit codes: 0 no check is fail/error/blocked; 1 some check is;
 * 2 usage error, invalid scenario file, target not startable/reachable, or
 * the run deadline (--run-timeout) reached;
 * 3 only stale baseline (or expected-failures) entries; 130 interrupted by a signal (reports for what finished are written).
 *
 * Subcommands: `diff OLD.json NEW.json` (exit 1 on a regression, 0 otherwise,
 * 2 for unreadable input) and `merge A.json B.json … --out DIR` (0, or 2 for
 * unreadable input or an unwritable folder).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { RunResults } from './model/results.js';
import type { Scenario } from './model/scenario.js';
import { ScenarioError } from './load/loader.js';
import { exitCodeFor } from './engine/suite.js';
import { DEFAULT_VERSION } from './model/versions.js';
import { SUITE_VERSION } from './model/paths.js';
import { prepareRun, runPrepared, RunSuiteError, type PreparedRun, type RunSuiteOptions } from './api.js';
import type { ReportPaths } from '../reports/index.js';
import { formatCheckLine, formatDiscovery, formatRunStart, formatSummary } from '../reports/console.js';
import { isEntryModule } from './util/entry.js';
import { coverageSummary, coverageTables, loadCoverage } from './load/coverage.js';
import { readResultsFile, ResultsFileError } from './load/results-file.js';
import { diffExitCode, diffResults, renderDiffMarkdown, renderDiffText } from '../reports/diff.js';
import { mergeResults, writeMergedReports } from '../reports/merge.js';
import { renderSummaryMarkdown } from '../reports/summary-md.js';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

const defaultIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  color: process.stdout.isTTY === true && !process.env.NO_COLOR,
};

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
    return n;
  };
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** An HTTP header field name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses `--header "Name: value"` into name and value.
 * @throws InvalidArgumentError for a missing colon, a bad name or a value with CR/LF
 */
export function parseHeaderFlag(v: string, prev: Array<[string, string]>): Array<[string, string]> {
  const i = v.indexOf(':');
  const name = i > 0 ? v.slice(0, i).trim() : '';
  const value = i > 0 ? v.slice(i + 1).trim() : '';
  if (!TOKEN.test(name)) throw new InvalidArgumentError(`--header must look like "Name: value", got "${v}"`);
  if (/[\r\n]/.test(value)) throw new InvalidArgumentError(`--header ${name}: the value may not contain line breaks`);
  return [...prev, [name, value]];
}

/**
 * Parses one `--env K=V` flag into the accumulated list.
 * @throws InvalidArgumentError when there is no `=` or the name is not a shell variable name
 */
export function parseEnvFlag(v: string, prev: Array<[string, string]>): Array<[string, string]> {
  const i = v.indexOf('=');
  const name = i > 0 ? v.slice(0, i) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InvalidArgumentError(`--env must look like NAME=value, got "${v}"`);
  return [...prev, [name, v.slice(i + 1)]];
}

interface Flags {
  url?: string;
  command?: string;
  stdio?: string;
  cwd?: string;
  env: Array<[string, string]>;
  protocolVersion: string[];
  out: string;
  scenario: string[];
  suite?: string;
  list?: boolean;
  coverage?: boolean;
  timeout: number;
  maxResponseBytes: number;
  startupTimeout: number;
  concurrency: number;
  runTimeout: number;
  strict?: boolean;
  baseline?: string;
  expectedFailures?: string;
  format: 'text' | 'markdown';
  color: boolean;
  sessionTtl?: number;
  sessionSamples: number;
  checkHost?: boolean;
  header: Array<[string, string]>;
}

function program(io: CliIo): Command {
  return new Command()
    .name('mcp-session-conformance')
    .description('Judge the session lifecycle of an MCP server over Streamable HTTP or stdio (session-era revisions 2025-03-26 to 2025-11-25, and the stateless 2026-07-28).\nWith no --url, --command or --stdio, runs against the bundled reference server.')
    .version(SUITE_VERSION)
    .option('--url <url>', 'MCP endpoint to judge; with --command, may contain {port}')
    .option('--command <cmd>', 'start this server first (PORT is set; {port} is substituted), stop its process group afterwards')
    .option('--stdio <cmd>', 'judge a stdio server: start this command (with /bin/sh -c) for every scenario run and speak newline-delimited JSON-RPC on its stdin/stdout')
    .option('--cwd <dir>', 'with --stdio: working directory of the server command')
    .option('--env <NAME=value>', 'with --stdio: set this variable for the server command (repeatable); only names are recorded', parseEnvFlag, [])
    .option('--protocol-version <version>', `protocol revision to test (repeatable, or "all" for every revision, 2026-07-28 included; default: the newest session-era revision the server negotiates and 2026-07-28 when it serves it, else ${DEFAULT_VERSION})`, collect, [])
    .option('--out <dir>', 'folder for results.json, junit.xml, report.html, summary.md, badge.svg', 'results')
    .option('--scenario <id>', 'run only this scenario (repeatable)', collect, [])
    .option('--suite <path>', 'folder of scenarios (or one scenario file) instead of the bundled suite')
    .option('--list', 'print the scenarios with their checks, levels and requirement IDs, and exit')
    .option('--coverage', "print which in-scope requirements of the suite's catalog have a check, a written exclusion or neither, and exit")
    .option('--timeout <ms>', 'deadline of each HTTP exchange in ms', positiveInt('--timeout'), 10_000)
    .option('--max-response-bytes <n>', 'largest response body read, in bytes', positiveInt('--max-response-bytes'), 4 * 1024 * 1024)
    .option('--startup-timeout <ms>', 'how long --command may take to open its port, in ms', positiveInt('--startup-timeout'), 15_000)
    .option('--concurrency <n>', 'scenario runs working at once (a run that only watches a window or waits gives its place up meanwhile)', positiveInt('--concurrency'), 4)
    .option('--run-timeout <ms>', 'deadline of the whole run in ms; unfinished checks are skipped (reason run-timeout) and the exit code is 2', positiveInt('--run-timeout'), 600_000)
    .option('--baseline <file>', 'YAML list of verdicts this server is known to produce: they do not gate; stale entries give exit 3')
    .option('--expected-failures <file>', "the official MCP conformance package's expected-failures YAML (server: list of this suite's check or scenario IDs): listed failures do not gate; listed checks that pass are stale (exit 3)")
    .option('--session-ttl <ms>', 'the target expires idle sessions after this many ms: run the expiry scenario (it waits that long)', positiveInt('--session-ttl'))
    .option('--session-samples <n>', 'sessions the session-ID entropy probe opens', positiveInt('--session-samples'), 256)
    .option('--header <name:value>', 'add this header to every request, e.g. "Authorization: Bearer …" (repeatable); values are redacted in the reports', parseHeaderFlag, [])
    .option('--check-host', 'also judge Host header validation (a foreign Host must be refused; opt-in, the spec mandates only Origin checks)')
    .option('--strict', 'render warn verdicts as failures in junit.xml')
    .addOption(new Option('--format <format>', 'console output: text, or markdown (stdout is then only summary.md, for a CI job summary; progress goes to stderr)').choices(['text', 'markdown']).default('text'))
    .option('--no-color', 'plain console output')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
}

/** A subcommand chosen on the command line (the main run is the default command). */
type Subcommand = { name: 'diff'; old: string; new: string; format: 'text' | 'markdown' } | { name: 'merge'; files: string[]; out: string };

/**
 * Registers `diff` and `merge` on the program (they inherit its output and
 * exit handling); options after a subcommand's name are its own. `chosen`
 * receives the parsed subcommand.
 */
function addSubcommands(cmd: Command, chosen: (s: Subcommand) => void): void {
  cmd.enablePositionalOptions().helpCommand(false).action(() => undefined);
  cmd
    .command('diff')
    .description('compare two results.json files: newly failing, newly passing and changed checks per protocol version; exit 1 on a regression (a check newly fail, error or blocked), 0 otherwise, 2 on unreadable input')
    .argument('<old>', 'results.json of the earlier run')
    .argument('<new>', 'results.json of the later run')
    .addOption(new Option('--format <format>', 'text for a terminal, markdown for a pull-request comment').choices(['text', 'markdown']).default('text'))
    .action((o: string, n: string, opts: { format: 'text' | 'markdown' }) => chosen({ name: 'diff', old: o, new: n, format: opts.format }));
  cmd
    .command('merge')
    .description('several results.json side by side (servers × checks, per protocol version): writes DIR/merged.html and DIR/merged.json')
    .argument('<files...>', 'results.json files, one per server')
    .requiredOption('--out <dir>', 'folder for merged.html and merged.json')
    .action((files: string[], opts: { out: string }) => chosen({ name: 'merge', files, out: opts.out }));
}

/** Runs `diff` or `merge`; returns the exit code (2 for a results file that cannot be read or validated, or reports that cannot be written). */
async function runSubcommand(sub: Subcommand, io: CliIo): Promise<number> {
  const read = (files: string[]) => files.map((f) => ({ label: f, results: readResultsFile(f) }));
  try {
    if (sub.name === 'diff') {
      const [o, n] = read([sub.old, sub.new]);
      const d = diffResults(o!.results, n!.results);
      const render = sub.format === 'markdown' ? renderDiffMarkdown : renderDiffText;
      io.out(render(d, { old: sub.old, new: sub.new }, o!.results, n!.results));
      return diffExitCode(d);
    }
    const paths = await writeMergedReports(mergeResults(read(sub.files)), sub.out);
    io.out(`merged ${sub.files.length} runs: ${paths.html}, ${paths.json}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof ResultsFileError) && !(e as NodeJS.ErrnoException).syscall) throw e;
    io.err(`mcp-session-conformance ${sub.name}: ${(e as Error).message}\n`);
    return 2;
  }
}

function listScenarios(scenarios: Scenario[], io: CliIo): void {
  for (const s of scenarios) {
    const range = `${s.versions.from ?? '…'} → ${s.versions.before ? `before ${s.versions.before}` : '…'}`;
    io.out(`${s.id}  (${s.file}; versions ${range})\n  ${s.title}\n`);
    for (const c of s.checks) {
      const esc = c.escalate ? ` (${c.escalate.level} from ${c.escalate.from})` : '';
      io.out(`    ${s.id}/${c.id}  ${c.level}${esc}  [${c.requirements.join(', ')}]  ${c.title}\n`);
    }
  }
}

/**
 * Runs the CLI with `argv` (without node and script). Never calls
 * `process.exit` (except on a second signal, to force quit); returns the exit
 * code. The run itself is `runPrepared` of `harness/api.ts`; this function
 * maps flags to its options and prints.
 */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const cmd = program(io);
  let sub: Subcommand | undefined;
  addSubcommands(cmd, (s) => (sub = s));
  let flags: Flags;
  try {
    cmd.parse(argv, { from: 'user' });
    flags = cmd.opts<Flags>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  if (sub) return runSubcommand(sub, io);
  const color = io.color && flags.color;
  // With --format markdown, stdout carries only summary.md; progress and the text summary go to stderr.
  const say = flags.format === 'markdown' ? io.err : io.out;
  const fatal = (e: unknown) => {
    if (!(e instanceof RunSuiteError)) throw e;
    io.err(`mcp-session-conformance: ${e.message}\n`);
    if (e.stderr) io.err(`--- target stderr (tail) ---\n${e.stderr.trimEnd()}\n---\n`);
    return 2;
  };

  const interrupt = new AbortController();
  let timedOut = false;
  let started: { killNow(): void } | undefined;
  let reportPaths: ReportPaths | undefined;
  const options: RunSuiteOptions = {
    ...(flags.url !== undefined ? { url: flags.url } : {}),
    ...(flags.command !== undefined ? { command: flags.command } : {}),
    ...(flags.stdio !== undefined ? { stdio: flags.stdio } : {}),
    ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
    ...(flags.env.length ? { env: Object.fromEntries(flags.env) } : {}),
    ...(flags.header.length ? { headers: Object.fromEntries(flags.header) } : {}),
    protocolVersions: flags.protocolVersion,
    scenarios: flags.scenario,
    ...(flags.suite !== undefined ? { suite: flags.suite } : {}),
    timeoutMs: flags.timeout,
    maxResponseBytes: flags.maxResponseBytes,
    startupTimeoutMs: flags.startupTimeout,
    concurrency: flags.concurrency,
    runTimeoutMs: flags.runTimeout,
    ...(flags.baseline ? { baseline: flags.baseline } : {}),
    ...(flags.expectedFailures ? { expectedFailures: flags.expectedFailures } : {}),
    out: flags.out,
    strict: flags.strict === true,
    ...(flags.sessionTtl !== undefined ? { sessionTtlMs: flags.sessionTtl } : {}),
    sessionSamples: flags.sessionSamples,
    checkHost: flags.checkHost === true,
    signal: interrupt.signal,
    onTargetStarting: (command) => io.err(`starting target: ${command}\n`),
    onTargetStarted: (t) => (started = t),
    onRunStart: (target, n) => io.err(`${formatRunStart(target, n)}\n`),
    onDiscovered: (d, vs) => say(`${formatDiscovery(d, vs)}\n\n`),
    // A revision the server does not negotiate was said once, in the discovery lines: its checks are not listed one by one.
    onCheck: (c) => {
      if (c.reason !== 'version-not-supported-by-server') say(`${formatCheckLine(c, { color })}\n`);
    },
    onRunTimeout: () => {
      timedOut = true;
      io.err(`\nrun deadline of ${flags.runTimeout} ms reached: stopping; reports for finished scenarios will be written\n`);
    },
    onReportsWritten: (paths) => (reportPaths = paths),
  };

  let prepared: PreparedRun;
  try {
    prepared = prepareRun(options);
  } catch (e) {
    return fatal(e);
  }
  if (flags.list) {
    listScenarios(prepared.scenarios, io);
    return 0;
  }
  if (flags.coverage) {
    try {
      const c = loadCoverage(prepared.catalog, prepared.scenarios);
      io.out(`${coverageTables(c)}\n\n${coverageSummary(c)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ScenarioError) return fatal(new RunSuiteError(`invalid coverage data: ${e.message}`, 'usage'));
      throw e;
    }
  }

  let signalCount = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalCount++;
    if (signalCount > 1) {
      started?.killNow();
      process.exit(130);
    }
    io.err(`\n${sig}: stopping; reports for finished scenarios will be written (again to force quit)\n`);
    interrupt.abort('run-interrupted');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let results: RunResults;
  try {
    results = await runPrepared(prepared);
  } catch (e) {
    return fatal(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (flags.format === 'markdown') io.out(renderSummaryMarkdown(results));
  say(`\n${formatSummary(results, { color })}\n`);
  if (reportPaths) say(`reports: ${reportPaths.json}, ${reportPaths.junit}, ${reportPaths.html}, ${reportPaths.summary}, ${reportPaths.badge}\n`);
  if (results.interrupted) {
    say(`run ${timedOut ? 'deadline reached' : 'interrupted'}: the reports hold the scenarios that finished\n`);
    return timedOut ? 2 : 130;
  }
  if (results.baseline) {
    say(`baseline ${results.baseline.file}: ${results.baseline.expected.length} expected verdicts, ${results.baseline.stale.length} stale entries\n`);
    for (const e of results.baseline.stale)
      say(`  stale: ${e.check}${e.version ? `@${e.version}` : ''} no longer ${e.verdict === 'failing' ? 'fails (fail, error or blocked)' : `gives ${e.verdict}`}\n`);
  }
  const code = exitCodeFor(results);
  const words = {
    0: 'exit 0: no check failed, errored or was blocked',
    1: 'exit 1: at least one check is fail, error or blocked',
    3: 'exit 3: only stale baseline entries (remove them from the baseline)',
  } as const;
  say(`${words[code]}\n`);
  return code;
}


if (isEntryModule(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`mcp-session-conformance: internal error: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 2;
    },
  );
}
