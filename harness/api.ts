/**
 * The package's main export: run the conformance suite from code.
 *
 * ```ts
 * import { runSuite, exitCodeFor } from 'mcp-session-conformance';
 * const results = await runSuite({ command: 'node dist/server.js', url: 'http://127.0.0.1:{port}/mcp', scenarios: ['http.session.delete-terminates'] });
 * process.exitCode = exitCodeFor(results);
 * ```
 *
 * `runSuite` is the one implementation of a run: the CLI (`harness/cli.ts`)
 * parses flags into {@link RunSuiteOptions}, calls it, and keeps only
 * printing and exit codes. Like the CLI, this module is a composition root:
 * it may import `reports/`.
 */
import { existsSync, statSync, mkdirSync, accessSync, constants } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { setMaxListeners } from 'node:events';
import type { CheckResult, RunDiscovery, RunResults, TargetInfo } from './model/results.js';
import type { Scenario } from './model/scenario.js';
import { loadSuite, loadScenario, loadRequirementIds, ScenarioError } from './load/loader.js';
import { citedRequirements, loadCatalog } from './load/catalog.js';
import { applyBaseline, loadBaseline, type BaselineEntry } from './load/baseline.js';
import { loadExpectedFailures } from './load/expected-failures.js';
import { runSuite as runEngine } from './engine/suite.js';
import { resolveVersions } from './model/versions.js';
import { assertReachable, startCommand, TargetError, watchTarget, type StartedTarget } from './target/target.js';
import { REFERENCE_SERVER_JS, SUITES_DIR } from './model/paths.js';
import { writeReports, type ReportPaths } from '../reports/index.js';

export type * from './model/results.js';
export type { Scenario, CheckDecl } from './model/scenario.js';
export { VERDICTS } from './model/results.js';
export { KNOWN_VERSIONS, SESSION_ERA_HTTP_VERSIONS, DEFAULT_VERSION } from './model/versions.js';
export { SUITE_VERSION } from './model/paths.js';
export { exitCodeFor } from './engine/suite.js';
export { renderJson, renderJUnit, renderHtml, writeReports, type ReportPaths, type WriteReportsOptions } from '../reports/index.js';

/** Default deadline of each exchange (ms), as the CLI's `--timeout`. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default largest response body read (bytes), as `--max-response-bytes`. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Default time a started `command` may take to open its port (ms), as `--startup-timeout`. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 15_000;
/** Default number of scenario runs working at once, as `--concurrency` (a run that only watches a window or waits does not count). */
export const DEFAULT_CONCURRENCY = 4;

/** What went wrong before or after the run itself; the CLI prints `message` and exits 2. */
export type RunSuiteErrorKind =
  /** Options that contradict each other or are out of range, an unknown scenario or protocol version, an `out` folder that cannot be written. */
  | 'usage'
  /** A scenario file (bundled or `suite`) or its catalog is invalid; the message has file:line:col. */
  | 'invalid-scenario'
  /** The `baseline` (or `expectedFailures`) file is invalid or names an unknown check; the message has file:line:col. */
  | 'invalid-baseline'
  /** The target could not be started (`command`, bundled reference) or reached (`url`). */
  | 'target'
  /** The run finished but the reports could not be written to `out`. */
  | 'reports';

/**
 * Thrown by {@link runSuite} and {@link prepareRun} for every problem that is
 * not a statement about the server's conformance (those are verdicts in the
 * results). A target that misbehaves during the run never throws.
 */
export class RunSuiteError extends Error {
  constructor(
    message: string,
    /** Which kind of problem; see {@link RunSuiteErrorKind}. */
    readonly kind: RunSuiteErrorKind,
    /** Tail of the target's stderr (kind `target`, when the harness started it). */
    readonly stderr?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunSuiteError';
  }
}

/**
 * Inputs of {@link runSuite}. The target is one of:
 * - `url` alone: judge a server already listening there (http: or https:);
 * - `command` + `url`: start `command` with `/bin/sh -c` in its own process
 *   group (`PORT` set, `{port}` in either replaced by a free loopback port),
 *   wait until the port opens, judge `url`, stop the group afterwards;
 * - `stdio` (+ `cwd`, `env`): start this command for every scenario run and
 *   speak newline-delimited JSON-RPC on its stdin/stdout;
 * - none of them: the bundled reference server (`dist/fixtures/reference-server.js`).
 */
export interface RunSuiteOptions {
  /** MCP endpoint; with `command` it may contain `{port}`. */
  url?: string;
  /** Server command to start first (needs `url`). */
  command?: string;
  /** How long `command` may take to open its port, in ms (default 15000). */
  startupTimeoutMs?: number;
  /** Judge a stdio server started with this shell command (not with `url`, `command` or `headers`). */
  stdio?: string;
  /** Working directory of the `stdio` command. */
  cwd?: string;
  /** Environment added for the `stdio` command; only the names are recorded in the results. */
  env?: Record<string, string>;
  /** Headers added to every HTTP request (e.g. `Authorization`); values are redacted in the results. */
  headers?: Record<string, string>;
  /**
   * Protocol revisions to judge (`YYYY-MM-DD`, or `all` for every session-era
   * revision). Absent or empty: the newest one the server negotiates, else 2025-11-25.
   */
  protocolVersions?: string[];
  /** Run only these scenario IDs (e.g. `lifecycle.initialize.result`); absent: every scenario of the suite. */
  scenarios?: string[];
  /** Folder of scenarios (or one scenario file) instead of the bundled `suites/`. */
  suite?: string;
  /** Deadline of each exchange, in ms (default 10000). */
  timeoutMs?: number;
  /** Largest response body read, in bytes (default 4 MiB). */
  maxResponseBytes?: number;
  /** Scenario runs working at once (default 4); a run that only watches a window or waits gives its place up meanwhile. */
  concurrency?: number;
  /** Deadline of the whole run, in ms; unfinished checks are `skipped` with reason `run-timeout`. Absent: none. */
  runTimeoutMs?: number;
  /** Path of a baseline YAML file (`schemas/baseline.schema.json`): its verdicts do not gate; stale entries are listed in `results.baseline`. */
  baseline?: string;
  /**
   * Path of an expected-failures YAML file in the official MCP conformance
   * package's shape (`server:` list of check or scenario IDs;
   * `schemas/expected-failures.schema.json`): a listed check (or any check of
   * a listed scenario) that is `fail`, `error` or `blocked` does not gate; a
   * listed ID that no longer fails is stale. Applied as a baseline (recorded
   * in `results.baseline`); cannot be combined with `baseline`.
   */
  expectedFailures?: string;
  /** Folder to write `results.json`, `junit.xml` and `report.html` into (created if missing; checked writable before the run). Absent: nothing is written. */
  out?: string;
  /** Render `warn` as `<failure>` in junit.xml; recorded in `results.options.strict`. Default false. */
  strict?: boolean;
  /** The target expires idle sessions after this many ms: run the expiry scenario (it waits that long). */
  sessionTtlMs?: number;
  /** Sessions the session-ID entropy probe opens (default 256). */
  sessionSamples?: number;
  /** Also judge Host header validation (opt-in). */
  checkHost?: boolean;
  /** Aborting it interrupts the run: unstarted checks are `skipped` (reason: the abort reason when it is a string, else `run-interrupted`), the target is stopped, and the results (and reports) hold what finished. */
  signal?: AbortSignal;
  /** Called for every check as its scenario run finishes (progress). */
  onCheck?: (check: CheckResult) => void;
  /** Called once discovery has run, before any scenario, with the versions the run will judge. */
  onDiscovered?: (discovery: RunDiscovery, versions: string[]) => void;
  /** Called just before a `command` (or the bundled reference) is started, with the command line. */
  onTargetStarting?: (command: string) => void;
  /** Called with the started target process, e.g. to kill its group at once on a second Ctrl-C. */
  onTargetStarted?: (target: Pick<StartedTarget, 'pid' | 'killNow'>) => void;
  /** Called when the target is known, before discovery, with it and the number of scenarios selected. */
  onRunStart?: (target: TargetInfo, scenarioCount: number) => void;
  /** Called when `runTimeoutMs` is reached (the run then stops as on `signal`). */
  onRunTimeout?: () => void;
  /** Called with the paths of the written reports (only with `out`). */
  onReportsWritten?: (paths: ReportPaths) => void;
}

/** A checked selection, ready to run: what {@link prepareRun} returns and {@link runPrepared} takes. */
export interface PreparedRun {
  options: RunSuiteOptions;
  /** Selected scenarios, in suite order. */
  scenarios: Scenario[];
  /** Path of the requirement catalog the scenarios were checked against. */
  catalog: string;
  /** Resolved protocol versions (oldest first); undefined: chosen by discovery. */
  versions?: string[];
  /** Parsed baseline entries (with `options.baseline`, or converted from `options.expectedFailures`). */
  baseline?: BaselineEntry[];
}

/**
 * Resolves `suite`: a folder is a suite root; a single file runs alone, with
 * the macros and catalog of the nearest folder above it that has `_steps/`,
 * else the bundled suite's.
 * @throws ScenarioError for a missing path or an invalid scenario
 */
function loadSelected(suite: string | undefined): { scenarios: Scenario[]; catalog: string } {
  const bundledCatalog = join(SUITES_DIR, '_catalog', 'requirements.yaml');
  if (!suite) return { scenarios: loadSuite(SUITES_DIR), catalog: bundledCatalog };
  const p = resolve(suite);
  if (!existsSync(p)) throw new ScenarioError(suite, 1, 1, 'no such file or folder');
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

const positive = (name: string, v: number | undefined) => {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new RunSuiteError(`${name} must be a positive integer, got ${v}`, 'usage');
};

/**
 * Checks the options and loads what the run needs without touching the
 * target: protocol versions, the suite (bundled or `suite`), the baseline,
 * the scenario selection. Synchronous; reads files only.
 * @throws RunSuiteError kind `usage` (unknown version or scenario ID, a
 *   non-positive number), `invalid-scenario` or `invalid-baseline`
 */
export function prepareRun(options: RunSuiteOptions): PreparedRun {
  let versions: string[] | undefined;
  try {
    versions = options.protocolVersions?.length ? resolveVersions(options.protocolVersions) : undefined;
  } catch (e) {
    throw new RunSuiteError((e as Error).message, 'usage', undefined, { cause: e });
  }
  for (const [name, v] of Object.entries({
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes,
    startupTimeoutMs: options.startupTimeoutMs,
    concurrency: options.concurrency,
    runTimeoutMs: options.runTimeoutMs,
    sessionTtlMs: options.sessionTtlMs,
    sessionSamples: options.sessionSamples,
  }))
    positive(name, v);
  let scenarios: Scenario[];
  let catalog: string;
  try {
    ({ scenarios, catalog } = loadSelected(options.suite));
  } catch (e) {
    if (e instanceof ScenarioError) throw new RunSuiteError(`invalid scenario: ${e.message}`, 'invalid-scenario', undefined, { cause: e });
    throw e;
  }
  let baseline: BaselineEntry[] | undefined;
  if (options.baseline && options.expectedFailures) throw new RunSuiteError('--baseline and --expected-failures cannot be combined: give one file', 'usage');
  if (options.expectedFailures) {
    try {
      const known = { checks: new Set(scenarios.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`))), scenarios: new Set(scenarios.map((s) => s.id)) };
      baseline = loadExpectedFailures(options.expectedFailures, known);
    } catch (e) {
      if (e instanceof ScenarioError) throw new RunSuiteError(`invalid expected-failures file: ${e.message}`, 'invalid-baseline', undefined, { cause: e });
      throw e;
    }
  }
  if (options.baseline) {
    try {
      baseline = loadBaseline(options.baseline, new Set(scenarios.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`))));
    } catch (e) {
      if (e instanceof ScenarioError) throw new RunSuiteError(`invalid baseline: ${e.message}`, 'invalid-baseline', undefined, { cause: e });
      throw e;
    }
  }
  const wanted = options.scenarios ?? [];
  if (wanted.length) {
    const known = new Set(scenarios.map((s) => s.id));
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length) throw new RunSuiteError(`unknown scenario ${unknown.map((u) => `"${u}"`).join(', ')}; --list shows the known ones`, 'usage');
    scenarios = scenarios.filter((s) => wanted.includes(s.id));
  }
  return { options, scenarios, catalog, ...(versions ? { versions } : {}), ...(baseline ? { baseline } : {}) };
}

/** Target options that contradict each other; the message, or undefined when they fit. */
function targetProblem(o: RunSuiteOptions): string | undefined {
  const hasEnv = o.env !== undefined && Object.keys(o.env).length > 0;
  if (o.command && !o.url) return '--command needs --url (e.g. --url http://127.0.0.1:{port}/mcp)';
  if (o.stdio !== undefined && (o.url || o.command)) return '--stdio judges a stdio server: it cannot be combined with --url or --command';
  if (o.stdio === undefined && (o.cwd !== undefined || hasEnv)) return '--cwd and --env apply to --stdio only';
  if (o.stdio !== undefined && o.headers && Object.keys(o.headers).length) return '--header applies to HTTP targets; give a stdio server its credentials with --env';
  if (o.stdio !== undefined && !o.stdio.trim()) return '--stdio needs a command';
  if (o.cwd !== undefined && !existsSync(o.cwd)) return `--cwd ${o.cwd} does not exist`;
  return undefined;
}

/**
 * Runs a prepared selection: starts or checks the target, runs discovery and
 * the scenarios, applies the baseline, stops the target, writes the reports
 * when `out` is set.
 * @returns the results model (also when interrupted by `signal` or `runTimeoutMs`: `interrupted` is true)
 * @throws RunSuiteError kind `usage` (contradicting target options, no
 *   scenario selected, `out` not writable, reference server not built),
 *   `target` (not startable or reachable) or `reports` (writing failed after the run)
 */
export async function runPrepared(prepared: PreparedRun): Promise<RunResults> {
  const o = prepared.options;
  const problem = targetProblem(o);
  if (problem) throw new RunSuiteError(problem, 'usage');
  if (prepared.scenarios.length === 0) throw new RunSuiteError('no scenarios selected', 'usage');
  if (o.out !== undefined) {
    try {
      mkdirSync(o.out, { recursive: true });
      accessSync(o.out, constants.W_OK);
    } catch (e) {
      throw new RunSuiteError(`cannot write reports to --out ${o.out}: ${(e as Error).message}`, 'usage', undefined, { cause: e });
    }
  }
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = o.env && Object.keys(o.env).length ? o.env : undefined;
  const reference = !o.url && !o.command && o.stdio === undefined;

  const interrupt = new AbortController();
  // Every concurrent exchange listens on this signal; their number is bounded by the concurrency and the probes' caps.
  setMaxListeners(0, interrupt.signal);
  let started: StartedTarget | undefined;
  const onAbort = () => {
    if (!interrupt.signal.aborted) interrupt.abort(typeof o.signal?.reason === 'string' ? o.signal.reason : 'run-interrupted');
    void started?.stop();
  };
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let runTimer: NodeJS.Timeout | undefined;
  try {
    let target: Omit<TargetInfo, 'transport'>;
    try {
      if (o.stdio !== undefined) {
        target = {
          kind: 'stdio',
          url: 'stdio:',
          command: o.stdio,
          ...(o.cwd !== undefined ? { cwd: o.cwd } : {}),
          ...(env ? { env: Object.keys(env) } : {}),
        };
      } else if (o.command || reference) {
        const command = o.command ?? `"${process.execPath}" "${REFERENCE_SERVER_JS}"`;
        const url = o.url ?? 'http://127.0.0.1:{port}/mcp';
        if (reference && !existsSync(REFERENCE_SERVER_JS))
          throw new RunSuiteError(`the bundled reference server is not built (${REFERENCE_SERVER_JS}); run "npm run build"`, 'usage');
        o.onTargetStarting?.(command);
        started = await startCommand(command, url, o.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS);
        o.onTargetStarted?.(started);
        target = { kind: reference ? 'reference' : 'command', url: started.url, command: started.command };
      } else {
        await assertReachable(o.url!, Math.min(timeoutMs, 5_000));
        target = { kind: 'url', url: o.url! };
      }
    } catch (e) {
      if (e instanceof TargetError) throw new RunSuiteError(e.message, 'target', e.stderr, { cause: e });
      throw e;
    }

    o.onRunStart?.({ ...target, transport: o.stdio !== undefined ? 'stdio' : 'streamable-http' }, prepared.scenarios.length);
    if (o.runTimeoutMs !== undefined) {
      runTimer = setTimeout(() => {
        o.onRunTimeout?.();
        interrupt.abort('run-timeout');
      }, o.runTimeoutMs);
      runTimer.unref();
    }
    let results: RunResults = await runEngine({
      url: target.url,
      target,
      scenarios: prepared.scenarios,
      ...(prepared.versions ? { versions: prepared.versions } : {}),
      limits: { timeoutMs, maxResponseBytes: o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES },
      concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
      options: {
        ...(o.sessionSamples !== undefined ? { sessionSamples: o.sessionSamples } : {}),
        checkHost: o.checkHost === true,
        ...(o.sessionTtlMs !== undefined ? { sessionTtlMs: o.sessionTtlMs } : {}),
      },
      ...(o.headers && Object.keys(o.headers).length ? { headers: o.headers } : {}),
      ...(o.stdio !== undefined ? { stdio: { command: o.stdio, ...(o.cwd !== undefined ? { cwd: o.cwd } : {}), ...(env ? { env } : {}) } } : {}),
      signal: interrupt.signal,
      // A target that goes away mid-run: one root-cause error, the rest blocked at once.
      ...(o.stdio === undefined ? { targetWatch: watchTarget(target.url, started) } : {}),
      ...(o.onDiscovered ? { onDiscovered: o.onDiscovered } : {}),
      ...(o.onCheck ? { onScenarioDone: (outcome) => outcome.checks.forEach((c) => o.onCheck!(c)) } : {}),
    });
    clearTimeout(runTimer);
    if (prepared.baseline) {
      const b = applyBaseline(prepared.baseline, results.checks);
      const hit = new Set(b.expected);
      results = {
        ...results,
        checks: results.checks.map((c) => (hit.has(`${c.id}@${c.protocolVersion}`) ? { ...c, baseline: 'expected' as const } : c)),
        baseline: { file: (o.baseline ?? o.expectedFailures)!, expected: b.expected, stale: b.stale },
      };
    }
    if (started) {
      await started.stop();
      results = {
        ...results,
        target: { ...results.target, stdout: started.stdout(), stderr: started.stderr(), exitCode: started.exitCode() ?? null },
      };
    }
    // The catalog's title, level and source of each cited requirement, for the reports (loaded, and cached, when the suite was).
    results = { ...results, options: { ...results.options, strict: o.strict === true }, requirements: citedRequirements(loadCatalog(prepared.catalog), results.checks) };
    if (o.out !== undefined) {
      let paths: ReportPaths;
      try {
        paths = await writeReports(results, o.out, { strict: o.strict === true });
      } catch (e) {
        throw new RunSuiteError(`cannot write reports to ${o.out}: ${(e as Error).message}`, 'reports', undefined, { cause: e });
      }
      o.onReportsWritten?.(paths);
    }
    return results;
  } finally {
    clearTimeout(runTimer);
    o.signal?.removeEventListener('abort', onAbort);
    await started?.stop();
  }
}

/**
 * Runs the conformance suite against one MCP server and returns the results
 * model (the content of `results.json`, `schemas/results.schema.json`):
 * `checks` holds one {@link CheckResult} per check × protocol version with its
 * verdict, expected/observed text, spec reference and transcript; `summary`
 * and `byLevel` count verdicts. Gate on it with {@link exitCodeFor}
 * (0 pass, 1 a `fail`/`error`/`blocked` check the baseline does not expect,
 * 3 only stale baseline entries).
 *
 * Equivalent to `runPrepared(prepareRun(options))`; the CLI
 * `mcp-session-conformance` is a thin layer over it.
 * @throws RunSuiteError for bad options, an invalid suite or baseline, a
 *   target that cannot be started or reached, or reports that cannot be
 *   written (see {@link RunSuiteErrorKind}); never for the target's misbehaviour during the run
 */
export async function runSuite(options: RunSuiteOptions = {}): Promise<RunResults> {
  return runPrepared(prepareRun(options));
}
