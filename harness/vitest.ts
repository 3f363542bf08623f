/**
 * A vitest helper: include a conformance run in a server's own vitest suite,
 * one test per check. Import it from `mcp-session-conformance/vitest`; it is
 * the only module of the package that imports `vitest` (a peer dependency the
 * caller has), so the main export (`harness/api.ts`) never loads it.
 *
 * ```ts
 * import { describeConformance } from 'mcp-session-conformance/vitest';
 * describeConformance({ command: 'node dist/server.js', url: 'http://127.0.0.1:{port}/mcp', protocolVersions: ['2025-11-25'] });
 * ```
 */
import { beforeAll, describe, test } from 'vitest';
import { prepareRun, runPrepared, type CheckResult, type PreparedRun, type RunResults, type RunSuiteOptions } from './api.js';

/** Options of {@link describeConformance}: those of `runSuite`, plus how the tests are named and bounded. */
export interface DescribeConformanceOptions extends RunSuiteOptions {
  /** Name of the `describe` block (default `MCP session conformance`). */
  name?: string;
  /** Bound of the `beforeAll` hook that runs the suite, in ms (default 300000). */
  runBoundMs?: number;
}

/** What one check's test does with its result: see {@link judgeCheck}. */
export type CheckJudgement = { outcome: 'pass'; note?: string } | { outcome: 'fail'; message: string } | { outcome: 'skip'; note: string };

/** The spec reference of a check result as a link or fragment (as the reports show it). */
function specOf(c: CheckResult): string {
  return c.specUrl || c.spec || '(no spec reference)';
}

/**
 * Decides one check's test from its result:
 * - `fail` and `error` fail the test, with expected, observed and the spec
 *   reference in the message (`error`: the harness could not decide) — unless
 *   a baseline expects the verdict (`baseline: 'expected'`), which passes with a note;
 * - `warn` passes with a note, or fails under `strict` (as `--strict` in junit.xml);
 * - `not-applicable`, `skipped` and `blocked` skip the test with the reason
 *   code and observed text (a `blocked` check still gates the run through `exitCodeFor`);
 * - `pass` and `info` pass.
 */
export function judgeCheck(c: CheckResult, opts: { strict?: boolean } = {}): CheckJudgement {
  const detail = () =>
    [`${c.id}@${c.protocolVersion} (${c.level}, ${c.requirements.join(', ')}): ${c.verdict}`, `  expected: ${c.expected ?? '(not stated)'}`, `  observed: ${c.observed ?? '(nothing)'}`, `  spec: ${specOf(c)}`].join('\n');
  switch (c.verdict) {
    case 'fail':
    case 'error':
      return c.baseline === 'expected' ? { outcome: 'pass', note: `${c.verdict} expected by the baseline` } : { outcome: 'fail', message: detail() };
    case 'warn':
      return opts.strict && c.baseline !== 'expected' ? { outcome: 'fail', message: detail() } : { outcome: 'pass', note: `warn: ${c.observed ?? c.expected ?? c.title}` };
    case 'not-applicable':
    case 'skipped':
    case 'blocked':
      return { outcome: 'skip', note: `${c.verdict}${c.reason ? ` (${c.reason})` : ''}${c.observed ? `: ${c.observed}` : ''}` };
    default:
      return { outcome: 'pass' };
  }
}

/** Handle returned by {@link describeConformance}. */
export interface ConformanceHandle {
  /** The results of the run (available in tests and `afterAll`, once `beforeAll` ran). @throws Error when the run has not finished or threw */
  results(): RunResults;
}

/**
 * Registers a `describe` block that runs the suite once (`beforeAll`) and one
 * `test` per check: named `<check-id>@<version>` when `protocolVersions` are
 * given, else `<check-id>` (the versions are then chosen by discovery, and the
 * test judges the check at each of them). Each test follows {@link judgeCheck}.
 *
 * The selection (suite, `scenarios`, `baseline`, versions) is checked while
 * the tests are collected: an unknown scenario ID throws `RunSuiteError` at
 * once. A run that throws (target not startable, ...) fails every test with
 * its message.
 * @returns a handle to the results for further assertions
 */
export function describeConformance(options: DescribeConformanceOptions = {}): ConformanceHandle {
  const { name = 'MCP session conformance', runBoundMs = 300_000, ...runOptions } = options;
  const prepared: PreparedRun = prepareRun(runOptions);
  let results: RunResults | undefined;
  let failure: unknown;
  const handle: ConformanceHandle = {
    results() {
      if (failure) throw failure;
      if (!results) throw new Error('the conformance run has not finished (call results() inside a test or afterAll)');
      return results;
    },
  };
  const ids = prepared.scenarios.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`));
  describe(name, () => {
    beforeAll(async () => {
      try {
        results = await runPrepared(prepared);
      } catch (e) {
        failure = e;
      }
    }, runBoundMs);
    const keys = prepared.versions ? ids.flatMap((id) => prepared.versions!.map((v) => ({ id, v, name: `${id}@${v}` }))) : ids.map((id) => ({ id, v: undefined, name: id }));
    for (const k of keys)
      test(k.name, (ctx) => {
        const r = handle.results();
        const found = r.checks.filter((c) => c.id === k.id && (k.v === undefined || c.protocolVersion === k.v));
        if (found.length === 0) throw new Error(`${k.name}: no result in the run${r.interrupted ? ' (the run was interrupted)' : ''}`);
        const judged = found.map((c) => judgeCheck(c, { strict: runOptions.strict === true }));
        const failed = judged.flatMap((j) => (j.outcome === 'fail' ? [j.message] : []));
        if (failed.length) throw new Error(failed.join('\n\n'));
        if (judged.every((j) => j.outcome === 'skip')) ctx.skip(judged.map((j) => (j as { note: string }).note).join('; '));
      });
  });
  return handle;
}
