/**
 * The GitHub Action's script (`action/run.mjs`) as a runner executes it:
 * `node action/run.mjs` with INPUT_* variables and the GITHUB_* files
 * pointed at temp files (no GitHub access). npx runs the suite from a
 * project folder that has this package installed (linked to the build), at
 * the action's own version, offline. Also: action.yml passes every input to
 * the script as an environment variable only, and the pure helpers.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { createReferenceServer } from '../fixtures/reference-server.js';
import { VARIANTS } from '../fixtures/variants.js';
import { PACKAGE_ROOT } from '../harness/model/paths.js';
import type { CheckResult, RunResults } from '../harness/api.js';

const SCRIPT = join(PACKAGE_ROOT, 'action', 'run.mjs');

/** The script's exports (a plain .mjs: typed here by hand). */
interface ActionModule {
  buildArgs(env: Record<string, string>, cwd?: string): string[];
  packageSpec(env: Record<string, string>): string;
  annotations(results: Pick<RunResults, 'checks'>): string[];
  fallbackSummary(results: Pick<RunResults, 'checks' | 'protocolVersions' | 'target'>): string;
  MAX_ANNOTATIONS: number;
}
const action = (await import(pathToFileURL(SCRIPT).href)) as ActionModule;

let root: string;
let app: string;
const servers: Server[] = [];

async function serve(faults = {}): Promise<string> {
  const s = createReferenceServer(faults);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`;
}

beforeAll(() => {
  // A workflow's project with this package installed: linked to the build, its bin a wrapper (dist files are not executable).
  root = mkdtempSync(join(tmpdir(), 'msc-action-'));
  app = join(root, 'workspace');
  mkdirSync(join(app, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'workspace', private: true }));
  symlinkSync(PACKAGE_ROOT, join(app, 'node_modules', 'mcp-session-conformance'), 'dir');
  const bin = join(app, 'node_modules', '.bin', 'mcp-session-conformance');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${join(PACKAGE_ROOT, 'dist', 'harness', 'cli.js')}" "$@"\n`);
  chmodSync(bin, 0o755);
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  rmSync(root, { recursive: true, force: true });
});

/** Runs the script as the composite step does; returns its exit code, stdout and the GITHUB_* files' contents. */
async function step(inputs: Record<string, string>, name: string) {
  const output = join(root, `${name}.output`);
  const summary = join(root, `${name}.summary.md`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
    GITHUB_WORKSPACE: app,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_ACTION_PATH: PACKAGE_ROOT,
    // No registry traffic: the installed version must be found locally.
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  };
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [SCRIPT], { cwd: app, env }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr })),
  );
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { ...r, outputs, summary: readFileSync(summary, 'utf8') };
}

describe('action/run.mjs', () => {
  it('runs the suite with npx at the action version, writes the outputs and the step summary, exits 0 on a conforming server', async () => {
    const url = await serve();
    const r = await step({ url, versions: '2025-11-25', scenarios: 'lifecycle.initialize.result, lifecycle.ping', out: 'reports' }, 'pass');
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ 'exit-code': '0', out: join(app, 'reports'), results: join(app, 'reports', 'results.json') });
    const results = JSON.parse(readFileSync(join(app, 'reports', 'results.json'), 'utf8')) as RunResults;
    expect(results.target.url).toBe(url);
    expect(new Set(results.checks.map((c) => c.scenario))).toEqual(new Set(['lifecycle.initialize.result', 'lifecycle.ping']));
    // The suite's own summary.md when it writes one, else the script's table: either way the step summary states the counts.
    let own = '';
    try {
      own = readFileSync(join(app, 'reports', 'summary.md'), 'utf8');
    } catch {
      /* none written */
    }
    expect(r.summary.trim()).toBe((own || action.fallbackSummary(results)).trim());
    expect(r.summary).toMatch(/2025\\?-11\\?-25/);
    expect(r.stdout).not.toMatch(/::error/);
  });

  it('a broken server: exit 1, exit-code output 1, one ::error annotation per gating check', async () => {
    const variant = VARIANTS['no-capabilities']!;
    const [broken] = Object.keys(variant.breaks);
    const url = await serve(variant.faults);
    const r = await step({ url, versions: '2025-11-25', scenarios: 'lifecycle.initialize.result', out: 'broken' }, 'fail');
    expect(r.code).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    expect(r.stdout).toContain(`::error title=${broken}@2025-11-25 fail (MUST)::`);
  });

  it('a usage error of the suite is exit 2 with an empty results output', async () => {
    const r = await step({ command: 'node server.js', out: 'usage' }, 'usage');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--command needs --url/);
    expect(r.outputs).toMatchObject({ 'exit-code': '2', results: '' });
  });
});

describe('action helpers', () => {
  it('buildArgs: one flag per non-empty input, lists split on commas and spaces, out resolved in the workspace', () => {
    const env = { INPUT_COMMAND: 'node dist/server.js', INPUT_URL: 'http://127.0.0.1:{port}/mcp', INPUT_VERSIONS: '2025-06-18, 2025-11-25', INPUT_SCENARIOS: '', INPUT_BASELINE: ' ci/baseline.yaml ', INPUT_STRICT: 'true', GITHUB_WORKSPACE: '/w' };
    expect(action.buildArgs(env)).toEqual([
      '--url', 'http://127.0.0.1:{port}/mcp', '--command', 'node dist/server.js', '--baseline', 'ci/baseline.yaml',
      '--protocol-version', '2025-06-18', '--protocol-version', '2025-11-25', '--strict', '--out', '/w/mcp-conformance', '--no-color',
    ]);
    expect(action.packageSpec({})).toBe(`mcp-session-conformance@${JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version}`);
    expect(action.packageSpec({ INPUT_PACKAGE: 'mcp-session-conformance@latest' })).toBe('mcp-session-conformance@latest');
  });

  it('annotations escape what the target wrote (no injected workflow command), skip baseline-expected checks and are bounded', () => {
    const check = (i: number, extra: Partial<CheckResult> = {}) =>
      ({ id: `s/c${i}`, protocolVersion: '2025-11-25', level: 'MUST', verdict: 'fail', observed: 'x', ...extra }) as CheckResult;
    const [line] = action.annotations({ checks: [check(0, { observed: 'bad\n::add-mask::secret 100%', id: 'a:b,c' })] });
    expect(line).toBe('::error title=a%3Ab%2Cc@2025-11-25 fail (MUST)::bad%0A::add-mask::secret 100%25');
    expect(line!.split('\n')).toHaveLength(1);
    expect(action.annotations({ checks: [check(1, { baseline: 'expected' }), check(2, { verdict: 'warn' })] })).toEqual([]);
    const many = action.annotations({ checks: Array.from({ length: action.MAX_ANNOTATIONS + 5 }, (_, i) => check(i)) });
    expect(many).toHaveLength(action.MAX_ANNOTATIONS + 1);
    expect(many.at(-1)).toMatch(/^::notice::5 more/);
  });
});

describe('action.yml', () => {
  const spec = parse(readFileSync(join(PACKAGE_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    runs: { using: string; steps: Array<{ id?: string; run?: string; uses?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }> };
  };

  it('is composite; every input but artifact-name reaches the script as INPUT_<NAME>, never inside shell text; the reports are uploaded always', () => {
    expect(spec.runs.using).toBe('composite');
    const run = spec.runs.steps.find((s) => s.id === 'run')!;
    expect(run.run).toBe('node "$GITHUB_ACTION_PATH/action/run.mjs"');
    const expected = Object.fromEntries(
      Object.keys(spec.inputs)
        .filter((n) => n !== 'artifact-name')
        .map((n) => [`INPUT_${n.toUpperCase().replace(/-/g, '_')}`, `\${{ inputs.${n} }}`]),
    );
    expect(run.env).toEqual(expected);
    // Each of these is read by the script.
    const script = readFileSync(SCRIPT, 'utf8');
    for (const n of Object.keys(spec.inputs).filter((x) => x !== 'artifact-name')) expect(script, n).toContain(`'${n}'`);
    const upload = spec.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload.if).toBe('always()');
    expect(upload.with).toMatchObject({ name: '${{ inputs.artifact-name }}', path: '${{ inputs.out }}' });
  });
});
