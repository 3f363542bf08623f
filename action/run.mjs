#!/usr/bin/env node
/**
 * The logic of the GitHub Action (`action.yml`, composite): runs the suite
 * with `npx`, then publishes what a workflow reads.
 *
 * Inputs come as environment variables (`action.yml` maps each input to one,
 * never into the shell text): INPUT_URL, INPUT_COMMAND, INPUT_STDIO,
 * INPUT_VERSIONS (comma- or space-separated revisions, or `all`),
 * INPUT_SCENARIOS (same separators), INPUT_BASELINE, INPUT_EXPECTED_FAILURES,
 * INPUT_OUT (default `mcp-conformance`), INPUT_STRICT (`true`), INPUT_PACKAGE
 * (the npm package spec to run; default `mcp-session-conformance@<version of
 * the action's own package.json>`, so a pinned action runs the matching
 * suite; a version the workflow's project has installed runs without download).
 *
 * After the run it writes, where GitHub provides the files:
 * - `$GITHUB_OUTPUT`: `exit-code`, `out` (the reports folder) and `results` (its results.json);
 * - `$GITHUB_STEP_SUMMARY`: the run's `summary.md` when the suite wrote one,
 *   else a verdict-count table made from results.json;
 * - stdout: one `::error` annotation per gating check (fail, error or
 *   blocked, not expected by a baseline), at most 50, with the observed text.
 * It exits with the suite's exit code (0 pass, 1 failures, 2 usage/target
 * error, 3 only stale baseline entries).
 *
 * Node built-ins only: the action runs from its repository checkout, before
 * any install.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ACTION_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Annotations written at most (GitHub shows only the first ones of a step anyway). */
export const MAX_ANNOTATIONS = 50;

/** Splits a list input on commas and whitespace; empty items dropped. */
export function listInput(v) {
  return (v ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The input named `name` (INPUT_<NAME>, dashes as underscores), trimmed; '' when unset. */
function input(env, name) {
  return (env[`INPUT_${name.toUpperCase().replace(/-/g, '_')}`] ?? '').trim();
}

/** Output folder of the run (absolute, relative ones against GITHUB_WORKSPACE or the cwd). */
export function outDir(env, cwd = process.cwd()) {
  return resolve(env.GITHUB_WORKSPACE || cwd, input(env, 'out') || 'mcp-conformance');
}

/**
 * The CLI arguments the inputs give (without the package): each non-empty
 * input becomes its flag; `versions` and `scenarios` repeat theirs. Which
 * inputs may be combined is the CLI's to check (exit 2 with a message).
 * @param env the environment holding INPUT_* variables
 * @returns argument list for `mcp-session-conformance`
 */
export function buildArgs(env, cwd = process.cwd()) {
  const args = [];
  for (const [name, flag] of [
    ['url', '--url'],
    ['command', '--command'],
    ['stdio', '--stdio'],
    ['baseline', '--baseline'],
    ['expected-failures', '--expected-failures'],
  ]) {
    const v = input(env, name);
    if (v) args.push(flag, v);
  }
  for (const v of listInput(input(env, 'versions'))) args.push('--protocol-version', v);
  for (const s of listInput(input(env, 'scenarios'))) args.push('--scenario', s);
  if (input(env, 'strict') === 'true') args.push('--strict');
  args.push('--out', outDir(env, cwd), '--no-color');
  return args;
}

/** The package spec npx runs: INPUT_PACKAGE, else `mcp-session-conformance@<the action's own version>`. */
export function packageSpec(env) {
  const explicit = input(env, 'package');
  if (explicit) return explicit;
  const pkg = JSON.parse(readFileSync(join(ACTION_ROOT, 'package.json'), 'utf8'));
  return `${pkg.name}@${pkg.version}`;
}

/** Escapes data for a workflow command message (`%`, CR, LF). */
export function escapeData(s) {
  return String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command property value (data escapes plus `:` and `,`). */
export function escapeProperty(s) {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * `::error` lines for the gating checks of a results model (fail, error,
 * blocked without `baseline: expected`), at most {@link MAX_ANNOTATIONS}, plus
 * a notice saying how many were left out.
 */
export function annotations(results) {
  const gating = (results.checks ?? []).filter((c) => ['fail', 'error', 'blocked'].includes(c.verdict) && c.baseline !== 'expected');
  const lines = gating.slice(0, MAX_ANNOTATIONS).map((c) => {
    const title = escapeProperty(`${c.id}@${c.protocolVersion} ${c.verdict} (${c.level})`);
    const text = [c.observed ?? c.reason ?? c.verdict, c.expected ? `expected: ${c.expected}` : '', c.specUrl ? `spec: ${c.specUrl}` : ''].filter(Boolean).join('\n');
    return `::error title=${title}::${escapeData(text)}`;
  });
  if (gating.length > MAX_ANNOTATIONS) lines.push(`::notice::${gating.length - MAX_ANNOTATIONS} more gating checks: see the reports artifact`);
  return lines;
}

/** A Markdown table of verdict counts per protocol version, for a results model (used when the run wrote no summary.md). */
export function fallbackSummary(results) {
  const verdicts = ['pass', 'fail', 'warn', 'info', 'error', 'blocked', 'not-applicable', 'skipped'];
  const rows = (results.protocolVersions ?? []).map((v) => {
    const n = Object.fromEntries(verdicts.map((x) => [x, 0]));
    for (const c of results.checks ?? []) if (c.protocolVersion === v) n[c.verdict] = (n[c.verdict] ?? 0) + 1;
    return `| ${v} | ${verdicts.map((x) => n[x]).join(' | ')} |`;
  });
  const server = results.target?.serverInfo ? `${results.target.serverInfo.name} ${results.target.serverInfo.version ?? ''}`.trim() : results.target?.url ?? 'target';
  return [
    `### MCP session conformance: ${server.replace(/[|`<>]/g, '')}`,
    '',
    `| version | ${verdicts.join(' | ')} |`,
    `|---|${verdicts.map(() => '---:').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}

/** Runs `npx --yes <spec> <args>` in `cwd` with inherited stdio; resolves to its exit code (2 when it could not be started or died of a signal). */
function runNpx(spec, args, cwd, env) {
  return new Promise((resolveCode) => {
    const child = spawn('npx', ['--yes', spec, ...args], { cwd, env, stdio: 'inherit' });
    child.once('error', (e) => {
      process.stderr.write(`mcp-session-conformance action: cannot run npx: ${e.message}\n`);
      resolveCode(2);
    });
    child.once('exit', (code, signal) => resolveCode(signal ? 2 : (code ?? 2)));
  });
}

/**
 * The whole action step: run, then outputs, summary and annotations.
 * @returns the exit code to end with
 */
export async function main(env = process.env) {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  const out = outDir(env, cwd);
  const code = await runNpx(packageSpec(env), buildArgs(env, cwd), cwd, env);
  const resultsPath = join(out, 'results.json');
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `exit-code=${code}\nout=${out}\nresults=${existsSync(resultsPath) ? resultsPath : ''}\n`);
  if (existsSync(resultsPath)) {
    const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
    for (const line of annotations(results)) process.stdout.write(`${line}\n`);
    if (env.GITHUB_STEP_SUMMARY) {
      const md = join(out, 'summary.md');
      appendFileSync(env.GITHUB_STEP_SUMMARY, `${existsSync(md) ? readFileSync(md, 'utf8') : fallbackSummary(results)}\n`);
    }
  }
  return code;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`mcp-session-conformance action: ${e?.stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
