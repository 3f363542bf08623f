/**
 * `npm pack` yields a package that works from an empty folder: the tarball is
 * installed with `npm ci --offline` (no registry traffic: only the local npm
 * cache), then its CLI runs through `npx` against the reference server, its
 * main export runs a target-less run (the shipped reference server), its
 * types check, and `./vitest` resolves.
 *
 * Offline install: `npm ci` (how the project and CI install) caches package
 * tarballs by integrity but not the registry's package documents, so
 * resolving the tarball's version ranges offline finds nothing (ENOTCACHED).
 * The empty folder therefore gets a lockfile: the tarball plus the
 * production entries of the project's own package-lock.json (exact versions
 * and integrities, whose tarballs the cache holds).
 *
 * Needs `npm run build` first (npm test builds); the test never rebuilds,
 * since other test files read `dist/` at the same time.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createReferenceServer } from '../fixtures/reference-server.js';
import { PACKAGE_ROOT } from './model/paths.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string> };
/** npm without registry traffic: every command of this file is offline and quiet. */
const npmEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  [k: string]: unknown;
}

/**
 * Writes `dir/package.json` depending on `tarball` and a `dir/package-lock.json`
 * pinning it and the production entries of the project's lockfile.
 */
function writeApp(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { [pkg.name]: spec } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path.startsWith('node_modules/') && !entry.dev && !entry.devOptional) packages[path] = entry;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { [pkg.name]: spec } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 1));
}

let root: string;
let app: string;
let tarballFiles: string[];
let server: Server;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'msc-pack-'));
  app = join(root, 'app');
  mkdirSync(app);
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], { cwd: PACKAGE_ROOT, env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = info!.files.map((f) => f.path);
  writeApp(app, join(root, info!.filename));
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, env: npmEnv });
  server = createReferenceServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}, 120_000);

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('the tarball holds the build, its types, the suites, the schemas and the reference server, and no tests', () => {
    for (const f of ['dist/harness/cli.js', 'dist/harness/api.js', 'dist/harness/api.d.ts', 'dist/harness/vitest.js', 'dist/harness/vitest.d.ts', 'dist/fixtures/reference-server.js', 'suites/_catalog/requirements.yaml', 'schemas/results.schema.json'])
      expect(tarballFiles, f).toContain(f);
    expect(tarballFiles.filter((f) => /\.test\.|^(harness|reports|fixtures)\/.*\.ts$/.test(f))).toEqual([]);
  });

  it('npx mcp-session-conformance --url runs from the empty folder: exit 0 and results.json', async () => {
    const out = join(root, 'out');
    const r = await run('npx', ['--offline', 'mcp-session-conformance', '--url', url, '--scenario', 'lifecycle.initialize.result', '--scenario', 'lifecycle.ping', '--protocol-version', '2025-11-25', '--out', out, '--no-color'], { cwd: app, env: npmEnv });
    expect(r.stdout).toMatch(/exit 0/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.target).toMatchObject({ kind: 'url', url });
    expect(new Set(results.checks.map((c: { scenario: string }) => c.scenario))).toEqual(new Set(['lifecycle.initialize.result', 'lifecycle.ping']));
    expect(results.summary.pass).toBeGreaterThan(5);
    expect(results.summary.fail + results.summary.error + results.summary.blocked).toBe(0);
  });

  it("import('mcp-session-conformance') gives runSuite, which runs the shipped reference server when no target is given; ./vitest resolves", async () => {
    const script = [
      "import { runSuite, exitCodeFor, renderJUnit } from 'mcp-session-conformance';",
      "const r = await runSuite({ scenarios: ['lifecycle.ping'], protocolVersions: ['2025-11-25'] });",
      "const vitest = import.meta.resolve('mcp-session-conformance/vitest');",
      'console.log(JSON.stringify({ kind: r.target.kind, command: r.target.command, checks: r.checks.length, code: exitCodeFor(r), junit: renderJUnit(r).startsWith("<?xml"), vitest }));',
    ].join('\n');
    writeFileSync(join(app, 'use.mjs'), script);
    const r = await run(process.execPath, ['use.mjs'], { cwd: app, env: npmEnv });
    const got = JSON.parse(r.stdout) as { kind: string; command: string; checks: number; code: number; junit: boolean; vitest: string };
    expect(got.kind).toBe('reference');
    expect(got.command).toContain(join(app, 'node_modules', pkg.name, 'dist', 'fixtures', 'reference-server.js'));
    expect(got.checks).toBeGreaterThan(0);
    expect(got.code).toBe(0);
    expect(got.junit).toBe(true);
    expect(existsSync(new URL(got.vitest))).toBe(true);
  });

  it('its types check in a strict TypeScript consumer', async () => {
    writeFileSync(
      join(app, 'use.ts'),
      [
        "import { runSuite, exitCodeFor, RunSuiteError, type RunResults, type CheckResult, type RunSuiteOptions } from 'mcp-session-conformance';",
        "import type { describeConformance } from 'mcp-session-conformance/vitest';",
        "const options: RunSuiteOptions = { url: 'http://127.0.0.1:1/mcp', protocolVersions: ['2025-11-25'], onCheck: (c: CheckResult) => void c.verdict };",
        'export const done: Promise<number> = runSuite(options).then((r: RunResults) => exitCodeFor(r)).catch((e: unknown) => (e instanceof RunSuiteError ? 2 : 1));',
        'export type Helper = typeof describeConformance;',
        '// @ts-expect-error: a typo in an option name is a type error',
        "export const wrong: RunSuiteOptions = { urll: 'x' };",
      ].join('\n'),
    );
    const tsc = join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--typeRoots', join(PACKAGE_ROOT, 'node_modules', '@types'), '--types', 'node', 'use.ts'];
    const r = await run(process.execPath, [tsc, ...args], { cwd: app }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(r.stdout).toBe('');
  });
});
