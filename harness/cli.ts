#!/usr/bin/env node
/**
 * `mcp-session-conformance`: the main job. Parses flags, starts or checks the
 * target, runs the selected scenarios, prints progress and a summary, writes
 * `results.json`, `junit.xml` and `report.html`.
 *
 * This module is the composition root: the only harness module that imports
 * `reports/`.
 *
 * Exit codes: 0 no check is fail/error/blocked; 1 some check is;
 * 2 usage error, invalid scenario file, target not startable/reachable, or
 * the run deadline (--run-timeout) reached;
 * 3 only stale baseline entries; 130 interrupted by a signal (reports for what finished are written).
 */
import { existsSync, statSync, mkdirSync, accessSync, constants } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { RunResults, TargetInfo } from './model/results.js';
import type { Scenario } from './model/scenario.js';
import { loadSuite, loadScenario, loadRequirementIds, ScenarioError } from './load/loader.js';
import { applyBaseline, loadBaseline, type BaselineEntry } from './load/baseline.js';
import { runSuite, exitCodeFor } from './engine/suite.js';
import { resolveVersions, DEFAULT_VERSION } from './model/versions.js';
import { assertReachable, startCommand, TargetError, type StartedTarget } from './target/target.js';
import { REFERENCE_SERVER_JS, SUITES_DIR, SUITE_VERSION } from './model/paths.js';
import { writeReports } from '../reports/index.js';
import { formatCheckLine, formatDiscovery, formatRunStart, formatSummary } from '../reports/console.js';
import { isEntryModule } from './util/entry.js';
import { coverageSummary, coverageTables, loadCoverage } from './load/coverage.js';

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
  color: boolean;
  sessionTtl?: number;
  sessionSamples: number;
  checkHost?: boolean;
  header: Array<[string, string]>;
}

function program(io: CliIo): Command {
  return new Command()
    .name('mcp-session-conformance')
    .description('Judge the session lifecycle of an MCP server over Streamable HTTP (protocol revisions 2025-03-26 to 2025-11-25).\nWith no --url or --command, runs against the bundled reference server.')
    .version(SUITE_VERSION)
    .option('--url <url>', 'MCP endpoint to judge; with --command, may contain {port}')
    .option('--command <cmd>', 'start this server first (PORT is set; {port} is substituted), stop its process group afterwards')
    .option('--stdio <cmd>', 'judge a stdio server: start this command (with /bin/sh -c) for every scenario run and speak newline-delimited JSON-RPC on its stdin/stdout')
    .option('--cwd <dir>', 'with --stdio: working directory of the server command')
    .option('--env <NAME=value>', 'with --stdio: set this variable for the server command (repeatable); only names are recorded', parseEnvFlag, [])
    .option('--protocol-version <version>', `protocol revision to test (repeatable, or "all" for every session-era revision; default: the newest the server negotiates, else ${DEFAULT_VERSION})`, collect, [])
    .option('--out <dir>', 'folder for results.json, junit.xml, report.html', 'results')
    .option('--scenario <id>', 'run only this scenario (repeatable)', collect, [])
    .option('--suite <path>', 'folder of scenarios (or one scenario file) instead of the bundled suite')
    .option('--list', 'print the scenarios with their checks, levels and requirement IDs, and exit')
    .option('--coverage', "print which in-scope requirements of the suite's catalog have a check, a written exclusion or neither, and exit")
    .option('--timeout <ms>', 'deadline of each HTTP exchange in ms', positiveInt('--timeout'), 10_000)
    .option('--max-response-bytes <n>', 'largest response body read, in bytes', positiveInt('--max-response-bytes'), 4 * 1024 * 1024)
    .option('--startup-timeout <ms>', 'how long --command may take to open its port, in ms', positiveInt('--startup-timeout'), 15_000)
    .option('--concurrency <n>', 'scenario runs in flight at once', positiveInt('--concurrency'), 4)
    .option('--run-timeout <ms>', 'deadline of the whole run in ms; unfinished checks are skipped (reason run-timeout) and the exit code is 2', positiveInt('--run-timeout'), 600_000)
    .option('--baseline <file>', 'YAML list of verdicts this server is known to produce: they do not gate; stale entries give exit 3')
    .option('--session-ttl <ms>', 'the target expires idle sessions after this many ms: run the expiry scenario (it waits that long)', positiveInt('--session-ttl'))
    .option('--session-samples <n>', 'sessions the session-ID entropy probe opens', positiveInt('--session-samples'), 256)
    .option('--header <name:value>', 'add this header to every request, e.g. "Authorization: Bearer …" (repeatable); values are redacted in the reports', parseHeaderFlag, [])
    .option('--check-host', 'also judge Host header validation (a foreign Host must be refused; opt-in, the spec mandates only Origin checks)')
    .option('--strict', 'render warn verdicts as failures in junit.xml')
    .option('--no-color', 'plain console output')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
}

/**
 * Resolves `--suite`: a folder is a suite root; a single file runs alone,
 * with the macros and catalog of the nearest folder above it that has
 * `_steps/`, else the bundled suite's.
 * @returns the scenarios and the requirement catalog they were checked against
 * @throws ScenarioError for a missing path or an invalid scenario
 */
function loadSelected(flags: Flags): { scenarios: Scenario[]; catalog: string } {
  const bundledCatalog = join(SUITES_DIR, '_catalog', 'requirements.yaml');
  if (!flags.suite) return { scenarios: loadSuite(SUITES_DIR), catalog: bundledCatalog };
  const p = resolve(flags.suite);
  if (!existsSync(p)) throw new ScenarioError(flags.suite, 1, 1, 'no such file or folder');
  const catalogIn = (root: string) => {
    const c = join(root, '_catalog', 'requirements.yaml');
    return existsSync(c) ? c : bundledCatalog;
  };
  if (statSync(p).isDirectory()) return { scenarios: loadSuite(p, catalogIn(p)), catalog: catalogIn(p) };
  let root = dirname(p);
  while (!existsSync(join(root, '_steps')) && dirname(root) !== root) root = dirname(root);
  if (!existsSync(join(root, '_steps'))) root = SUITES_DIR;
  return { scenarios: [loadScenario(p, root, loadRequirementIds(catalogIn(root)))], catalog: catalogIn(root) };
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
 * `process.exit`; returns the exit code.
 */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const cmd = program(io);
  let flags: Flags;
  try {
    cmd.parse(argv, { from: 'user' });
    flags = cmd.opts<Flags>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const color = io.color && flags.color;
  const usage = (msg: string) => {
    io.err(`mcp-session-conformance: ${msg}\n`);
    return 2;
  };

  // Without --protocol-version: the newest session-era revision the server negotiates (learnt by discovery).
  let versions: string[] | undefined;
  try {
    versions = flags.protocolVersion.length ? resolveVersions(flags.protocolVersion) : undefined;
  } catch (e) {
    return usage((e as Error).message);
  }
  let scenarios: Scenario[];
  let catalog: string;
  try {
    ({ scenarios, catalog } = loadSelected(flags));
  } catch (e) {
    if (e instanceof ScenarioError) return usage(`invalid scenario: ${e.message}`);
    throw e;
  }
  let baseline: BaselineEntry[] | undefined;
  if (flags.baseline) {
    try {
      baseline = loadBaseline(flags.baseline, new Set(scenarios.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`))));
    } catch (e) {
      if (e instanceof ScenarioError) return usage(`invalid baseline: ${e.message}`);
      throw e;
    }
  }
  if (flags.scenario.length) {
    const known = new Set(scenarios.map((s) => s.id));
    const unknown = flags.scenario.filter((id) => !known.has(id));
    if (unknown.length) return usage(`unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}; --list shows the known ones`);
    scenarios = scenarios.filter((s) => flags.scenario.includes(s.id));
  }
  if (flags.list) {
    listScenarios(scenarios, io);
    return 0;
  }
  if (flags.coverage) {
    try {
      const c = loadCoverage(catalog, scenarios);
      io.out(`${coverageTables(c)}\n\n${coverageSummary(c)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ScenarioError) return usage(`invalid coverage data: ${e.message}`);
      throw e;
    }
  }
  if (flags.command && !flags.url) return usage('--command needs --url (e.g. --url http://127.0.0.1:{port}/mcp)');
  if (flags.stdio !== undefined && (flags.url || flags.command)) return usage('--stdio judges a stdio server: it cannot be combined with --url or --command');
  if (flags.stdio === undefined && (flags.cwd !== undefined || flags.env.length)) return usage('--cwd and --env apply to --stdio only');
  if (flags.stdio !== undefined && flags.header.length) return usage('--header applies to HTTP targets; give a stdio server its credentials with --env');
  if (flags.stdio !== undefined && !flags.stdio.trim()) return usage('--stdio needs a command');
  if (flags.cwd !== undefined && !existsSync(flags.cwd)) return usage(`--cwd ${flags.cwd} does not exist`);
  if (scenarios.length === 0) return usage('no scenarios selected');

  // The output folder must be writable before any work is done.
  try {
    mkdirSync(flags.out, { recursive: true });
    accessSync(flags.out, constants.W_OK);
  } catch (e) {
    return usage(`cannot write reports to --out ${flags.out}: ${(e as Error).message}`);
  }

  // Target.
  let started: StartedTarget | undefined;
  let target: Omit<TargetInfo, 'transport'>;
  const reference = !flags.url && !flags.command && flags.stdio === undefined;
  const interrupt = new AbortController();
  // Every concurrent exchange listens on this signal; their number is bounded by --concurrency and the probes' caps.
  setMaxListeners(0, interrupt.signal);
  let signalCount = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signalCount++;
    if (signalCount > 1) {
      started?.killNow();
      process.exit(130);
    }
    io.err(`\n${sig}: stopping; reports for finished scenarios will be written (again to force quit)\n`);
    interrupt.abort('run-interrupted');
    void started?.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    try {
      if (flags.stdio !== undefined) {
        target = {
          kind: 'stdio',
          url: 'stdio:',
          command: flags.stdio,
          ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
          ...(flags.env.length ? { env: flags.env.map(([k]) => k) } : {}),
        };
      } else if (flags.command || reference) {
        const command = flags.command ?? `"${process.execPath}" "${REFERENCE_SERVER_JS}"`;
        const url = flags.url ?? 'http://127.0.0.1:{port}/mcp';
        if (reference && !existsSync(REFERENCE_SERVER_JS)) return usage(`the bundled reference server is not built (${REFERENCE_SERVER_JS}); run "npm run build"`);
        io.err(`starting target: ${command}\n`);
        started = await startCommand(command, url, flags.startupTimeout);
        target = { kind: reference ? 'reference' : 'command', url: started.url, command: started.command };
      } else {
        await assertReachable(flags.url!, Math.min(flags.timeout, 5_000));
        target = { kind: 'url', url: flags.url! };
      }
    } catch (e) {
      if (e instanceof TargetError) {
        io.err(`mcp-session-conformance: ${e.message}\n`);
        if (e.stderr) io.err(`--- target stderr (tail) ---\n${e.stderr.trimEnd()}\n---\n`);
        return 2;
      }
      throw e;
    }

    io.err(`${formatRunStart({ ...target, transport: flags.stdio !== undefined ? 'stdio' : 'streamable-http' }, scenarios.length)}\n`);
    const runTimer = setTimeout(() => {
      io.err(`\nrun deadline of ${flags.runTimeout} ms reached: stopping; reports for finished scenarios will be written\n`);
      interrupt.abort('run-timeout');
    }, flags.runTimeout);
    runTimer.unref();
    let results: RunResults = await runSuite({
      url: target.url,
      target,
      scenarios,
      ...(versions ? { versions } : {}),
      limits: { timeoutMs: flags.timeout, maxResponseBytes: flags.maxResponseBytes },
      concurrency: flags.concurrency,
      options: {
        sessionSamples: flags.sessionSamples,
        checkHost: flags.checkHost === true,
        ...(flags.sessionTtl !== undefined ? { sessionTtlMs: flags.sessionTtl } : {}),
      },
      ...(flags.header.length ? { headers: Object.fromEntries(flags.header) } : {}),
      ...(flags.stdio !== undefined
        ? { stdio: { command: flags.stdio, ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}), ...(flags.env.length ? { env: Object.fromEntries(flags.env) } : {}) } }
        : {}),
      signal: interrupt.signal,
      onDiscovered: (d, vs) => io.out(`${formatDiscovery(d, vs)}\n\n`),
      // A revision the server does not negotiate was said once, in the discovery lines: its checks are not listed one by one.
      onScenarioDone: (o) =>
        o.checks.filter((c) => c.reason !== 'version-not-supported-by-server').forEach((c) => io.out(`${formatCheckLine(c, { color })}\n`)),
    });
    clearTimeout(runTimer);
    if (baseline) {
      const b = applyBaseline(baseline, results.checks);
      const hit = new Set(b.expected);
      results = {
        ...results,
        checks: results.checks.map((c) => (hit.has(`${c.id}@${c.protocolVersion}`) ? { ...c, baseline: 'expected' as const } : c)),
        baseline: { file: flags.baseline!, expected: b.expected, stale: b.stale },
      };
    }
    if (started) {
      await started.stop();
      results = {
        ...results,
        target: { ...results.target, stdout: started.stdout(), stderr: started.stderr(), exitCode: started.exitCode() ?? null },
      };
    }
    results = { ...results, options: { ...results.options, strict: flags.strict === true } };
    let paths: { json: string; junit: string; html: string };
    try {
      paths = await writeReports(results, flags.out, { strict: flags.strict === true });
    } catch (e) {
      io.err(`mcp-session-conformance: cannot write reports to ${flags.out}: ${(e as Error).message}\n`);
      return 2;
    }
    io.out(`\n${formatSummary(results, { color })}\n`);
    io.out(`reports: ${paths.json}, ${paths.junit}, ${paths.html}\n`);
    if (results.interrupted) {
      const timedOut = interrupt.signal.reason === 'run-timeout';
      io.out(`run ${timedOut ? 'deadline reached' : 'interrupted'}: the reports hold the scenarios that finished\n`);
      return timedOut ? 2 : 130;
    }
    if (results.baseline) {
      io.out(`baseline ${results.baseline.file}: ${results.baseline.expected.length} expected verdicts, ${results.baseline.stale.length} stale entries\n`);
      for (const e of results.baseline.stale) io.out(`  stale: ${e.check}${e.version ? `@${e.version}` : ''} no longer gives ${e.verdict}\n`);
    }
    const code = exitCodeFor(results);
    const words = {
      0: 'exit 0: no check failed, errored or was blocked',
      1: 'exit 1: at least one check is fail, error or blocked',
      3: 'exit 3: only stale baseline entries (remove them from the baseline)',
    } as const;
    io.out(`${words[code]}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await started?.stop();
  }
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
