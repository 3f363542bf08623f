/**
 * Runs a set of scenarios at a set of protocol versions against one endpoint
 * and assembles the results model. Independent scenario runs go concurrently.
 */
import type { CheckResult, RunDiscovery, RunResults, ScenarioRun, TargetInfo, Verdict } from '../model/results.js';
import { VERDICTS } from '../model/results.js';
import type { Scenario } from '../model/scenario.js';
import { createAgent, type ExchangeLimits } from '../transport/http.js';
import { DEFAULT_RUN_OPTIONS, runScenario, type RunOptionVariables, type ScenarioOutcome } from './runner.js';
import { runScheduled } from './scheduler.js';
import { estimateMs } from './estimate.js';
import { BROKEN_LIMIT, discover, supportOf } from './discovery.js';
import { DEFAULT_VERSION } from '../model/versions.js';
import { SUITE_VERSION } from '../model/paths.js';
import type { StdioCommand } from '../transport/stdio-process.js';
import type { TargetLiveness, TransportFactory } from './runner.js';

/** The check that carries the root cause when the target answers no initialize (LIFE-INIT-002: initialize succeeds). */
export const ROOT_CAUSE_CHECK = 'lifecycle.initialize.result/initialize-succeeds';

/** Inputs of a run. */
export interface SuiteRunOptions {
  /** MCP endpoint URL. */
  url: string;
  /** What the reports say of the target (`transport` is filled in from `stdio`). */
  target: Omit<TargetInfo, 'transport'>;
  scenarios: Scenario[];
  /**
   * Protocol versions to run, oldest first. Absent: the newest session-era
   * revision the server negotiates (discovery) and 2026-07-28 when the
   * server serves it (era detection), else 2025-11-25.
   */
  versions?: string[];
  limits: ExchangeLimits;
  /** Scenario runs working at once (≥ 1); a run that only watches or waits gives its place up meanwhile (`Slot.idle`). */
  concurrency: number;
  /** Called once discovery has run, before any scenario, with the versions the run will judge (progress output). */
  onDiscovered?: (d: RunDiscovery, versions: string[]) => void;
  /** Called as each scenario run finishes (progress output). */
  onScenarioDone?: (o: ScenarioOutcome) => void;
  /** Aborting it interrupts the run: unstarted steps are `skipped` (reason `run-interrupted`). */
  signal?: AbortSignal;
  /** Run options scenarios read as variables (`--session-ttl`, `--session-samples`, `--check-host`). */
  options?: RunOptionVariables;
  /** Headers added to every request (`--header`); values are redacted in transcripts, names recorded in `options.headers`. */
  headers?: Record<string, string>;
  /** Judge a stdio server instead (`--stdio`): every scenario run starts its own process of this command; `url` is ignored. */
  stdio?: StdioCommand;
  /**
   * Watch on the target going away mid-run (`harness/target/target.ts`
   * `watchTarget`): once it is gone, one check is `error` and every other
   * pending one `blocked` (reason `target-gone`), without one timeout or
   * connection error each.
   */
  targetWatch?: Pick<TargetLiveness, 'known' | 'check'>;
}

/** Counts verdicts per verdict and per level × verdict. */
export function summarise(checks: CheckResult[]): Pick<RunResults, 'summary' | 'byLevel'> {
  const summary = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const byLevel: RunResults['byLevel'] = {};
  for (const c of checks) {
    summary[c.verdict]++;
    const row = (byLevel[c.level] ??= {});
    row[c.verdict] = (row[c.verdict] ?? 0) + 1;
  }
  return { summary, byLevel };
}

/**
 * Runs every scenario at every version. Never throws for target misbehaviour.
 * @returns the complete results model (interrupted runs included)
 */
export async function runSuite(opts: SuiteRunOptions): Promise<RunResults> {
  const startedAt = new Date();
  const agent = createAgent();
  const outcomes: ScenarioOutcome[] = [];
  let discovery: RunDiscovery | undefined;
  let versions = opts.versions ?? [];
  try {
    const stdio = opts.stdio;
    // The stdio transport is loaded only for a stdio run.
    const stdioTransport = stdio ? (await import('../transport/stdio.js')).stdioTransport : undefined;
    const stdioFactory: TransportFactory | undefined = stdio
      ? (_s, ctx) => stdioTransport!({ ...stdio, limits: ctx.limits, ...(ctx.signal ? { signal: ctx.signal } : {}) })
      : undefined;
    const d = await discover({
      agent,
      url: opts.url,
      limits: opts.limits,
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(stdio ? { transport: stdioTransport!({ ...stdio, limits: opts.limits, ...(opts.signal ? { signal: opts.signal } : {}) }) } : {}),
    });
    // Default: the newest session-era revision the server negotiates, and 2026-07-28 when it serves that too.
    const served = [...d.negotiated.slice(-1), ...(d.stateless.support === 'supported' ? [d.stateless.requested] : [])];
    if (!opts.versions) versions = served.length ? served : [DEFAULT_VERSION];
    discovery = {
      revisions: d.revisions,
      negotiated: d.negotiated,
      ...(d.initializeLatencyMs !== undefined ? { initializeLatencyMs: d.initializeLatencyMs } : {}),
      notNegotiated: versions.filter((v) => supportOf(d, v).support === 'not-supported'),
      versionsChosen: opts.versions ? 'requested' : served.length ? 'newest-negotiated' : 'default',
      sessionIds: d.sessionIds,
      exchanges: d.exchanges,
      era: d.era,
    };
    opts.onDiscovered?.(discovery, versions);
    if (d.serverInfo && !opts.target.serverInfo) opts.target = { ...opts.target, serverInfo: d.serverInfo };
    // A target that answered no initialize at all is diagnosed once: one error where the cause is, the rest blocked.
    // Not a stdio server that wrote lines it could not be understood by (e.g. pretty-printed JSON): it is speaking,
    // wrongly, and the framing checks must judge that.
    // Two broken initializes in a row (discovery's limit), the first one's error naming the cause.
    const first = d.exchanges[0];
    const unanswered =
      d.exchanges.length >= BROKEN_LIMIT &&
      d.exchanges.slice(0, BROKEN_LIMIT).every((x) => x.error && !x.stdio?.session.lines) &&
      first?.error &&
      d.revisions.every((r) => r.support === 'unknown')
        ? {
            check: ROOT_CAUSE_CHECK,
            kind: first.error.kind,
            observed: `discovery: initialize at ${d.revisions[0]!.requested} got no answer (${first.error.kind}: ${first.error.message}), nor did the next one at ${d.revisions[1]!.requested}, so no scenario was run`,
          }
        : undefined;
    const shared = new Map<string, Promise<unknown>>();
    // One root cause per run when the target goes away: the first check to meet it holds the error.
    let rootCause: string | undefined;
    const liveness: TargetLiveness | undefined = opts.targetWatch && {
      known: () => opts.targetWatch!.known(),
      check: () => opts.targetWatch!.check(),
      claim: (check) => (rootCause ??= check),
    };
    const jobs = versions.flatMap((v) => opts.scenarios.map((s) => ({ s, v })));
    // A server that issues session IDs keeps a GET stream per session: each scenario holds its own sessions' streams,
    // so `get-stream` holders need not take turns. Without session IDs (or when unsure) the stream is the server's.
    const perSessionStreams = d.sessionIds === 'issued';
    // Over stdio every scenario run has processes of its own: nothing is shared but the machine.
    const resourcesOf = ({ s }: { s: Scenario }) => (s.holds ?? []).filter((r) => !(r === 'get-stream' && (perSessionStreams || stdio)));
    // Longest first: a run lasts about its longest scenario plus set-up, not the sum of windows over the concurrency.
    const optionVars: Record<string, unknown> = { ...DEFAULT_RUN_OPTIONS, ...opts.options };
    const longestFirst = ({ s }: { s: Scenario }) => estimateMs(s, optionVars, stdio ? 'stdio' : 'streamable-http');
    const done = await runScheduled(jobs, opts.concurrency, resourcesOf, async ({ s, v }, _i, slot) => {
      const o = await runScenario(s, {
        idle: (work) => slot.idle(work),
        agent,
        url: opts.url,
        limits: opts.limits,
        protocolVersion: v,
        revision: supportOf(d, v),
        ...(d.initializeLatencyMs !== undefined ? { initializeLatencyMs: d.initializeLatencyMs } : {}),
        shared,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.options ? { options: opts.options } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
        ...(stdioFactory ? { transport: stdioFactory } : {}),
        ...(unanswered ? { unanswered } : {}),
        ...(liveness ? { liveness } : {}),
        era: d.era.era,
        ...(d.era.era === 'unknown' ? { eraUnknown: `era unknown: ${d.era.error ?? 'no usable answer'}` } : {}),
      });
      opts.onScenarioDone?.(o);
      return o;
    }, longestFirst);
    outcomes.push(...done);
  } finally {
    await agent.destroy().catch(() => undefined);
  }
  const target: TargetInfo = { ...opts.target, transport: opts.stdio ? 'stdio' : 'streamable-http' };
  const info = outcomes.find((o) => o.serverInfo)?.serverInfo;
  if (info && !target.serverInfo) target.serverInfo = info;
  const scenarios: ScenarioRun[] = outcomes.map((o) => o.run);
  const checks = outcomes.flatMap((o) => o.checks);
  return {
    format: 'mcp-session-conformance.results/1',
    suiteVersion: SUITE_VERSION,
    target,
    protocolVersion: versions[0] ?? DEFAULT_VERSION,
    protocolVersions: versions,
    ...(discovery ? { discovery } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    interrupted: opts.signal?.aborted ?? false,
    options: {
      timeoutMs: opts.limits.timeoutMs,
      maxResponseBytes: opts.limits.maxResponseBytes,
      concurrency: opts.concurrency,
      ...Object.fromEntries(Object.entries({ ...DEFAULT_RUN_OPTIONS, ...opts.options }).filter(([, v]) => v !== undefined)),
      ...(opts.headers && Object.keys(opts.headers).length ? { headers: Object.keys(opts.headers) } : {}),
    },
    ...summarise(checks),
    scenarios,
    checks,
  };
}

/**
 * Exit code for finished results: 1 when any check is `fail`, `error` or
 * `blocked` that a baseline did not expect; else 3 when baseline entries are
 * stale; else 0. `blocked` gates too: the server failed a step the check
 * needed (e.g. initialize), so a run narrowed by `--scenario` must not go
 * green on a server that cannot even open a session.
 */
export function exitCodeFor(results: RunResults): 0 | 1 | 3 {
  const gating = results.checks.some((c) => ['fail', 'error', 'blocked'].includes(c.verdict) && c.baseline !== 'expected');
  if (gating) return 1;
  return results.baseline && results.baseline.stale.length > 0 ? 3 : 0;
}
