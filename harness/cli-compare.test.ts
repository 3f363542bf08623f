/**
 * The CI commands through the CLI, on real runs of the bundled reference
 * server and a broken variant (narrowed to one scenario): `--expected-failures`
 * (not gating, stale, unknown ID, combined with --baseline), `diff` (exit 1
 * on a regression, Markdown, unreadable input exit 2), `merge` (files
 * written, usage errors), `--format markdown`, and `--help` listing the
 * subcommands.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli-process.js';
import { main } from './cli.js';

const SCEN = 'http.session.unknown-id';
const CHECK = `${SCEN}/unknown-session-id-gets-404`;
const BROKEN = { MCP_FIXTURE_VARIANT: 'unknown-session-served' };
let dir: string;
let refJson: string;
let badJson: string;

/** Runs `main` in-process and collects its output. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), color: false });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msc-compare-'));
  const [ref, bad] = await Promise.all([
    runCli(['--out', join(dir, 'ref'), '--scenario', SCEN]),
    runCli(['--out', join(dir, 'bad'), '--scenario', SCEN], { env: BROKEN }),
  ]);
  expect([ref.code, bad.code]).toEqual([0, 1]);
  refJson = join(dir, 'ref', 'results.json');
  badJson = join(dir, 'bad', 'results.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--expected-failures', () => {
  it('failures of a listed scenario do not gate: exit 0, recorded as the baseline in results.json', async () => {
    const xf = file('xf-scenario.yml', `server:\n  - ${SCEN}\nclient:\n  - initialize\n`);
    const out = join(dir, 'xf1');
    const r = await runCli(['--out', out, '--scenario', SCEN, '--expected-failures', xf], { env: BROKEN });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.checks.filter((c: { verdict: string; baseline?: string }) => c.verdict === 'fail').map((c: { baseline?: string }) => c.baseline)).toEqual(['expected', 'expected']);
    expect(results.baseline).toMatchObject({ file: xf, stale: [] });
    expect(r.stdout).toContain(`baseline ${xf}: 2 expected verdicts, 0 stale entries`);
    expect(r.code).toBe(0);
  });

  it('a listed check that passes is stale: exit 3', async () => {
    const xf = file('xf-stale.yml', `server:\n  - ${CHECK}\n`);
    const r = await runCli(['--out', join(dir, 'xf2'), '--scenario', SCEN, '--expected-failures', xf]);
    expect(r.stdout).toContain(`stale: ${CHECK} no longer fails (fail, error or blocked)`);
    expect(r.code).toBe(3);
  });

  it('an unknown ID is exit 2 with file:line, before any target starts; so is combining it with --baseline', async () => {
    const xf = file('xf-unknown.yml', `server:\n  - ${CHECK}\n  - ${SCEN}/no-such-check\n`);
    const r = await cli(['--out', join(dir, 'xf3'), '--expected-failures', xf]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`invalid expected-failures file: ${xf}:3:5: unknown check "${SCEN}/no-such-check"`);
    expect(r.err).not.toContain('starting target');
    const both = await cli(['--expected-failures', file('xf-ok.yml', `server:\n  - ${SCEN}\n`), '--baseline', xf]);
    expect(both.code).toBe(2);
    expect(both.err).toContain('cannot be combined');
  });
});

describe('diff', () => {
  it('reference → broken variant: exit 1 and the newly failing checks', async () => {
    const r = await cli(['diff', refJson, badJson]);
    expect(r.out).toContain(`    ${CHECK}  MUST  pass → fail`);
    expect(r.out).toContain('2 regressions (checks newly fail, error or blocked): exit 1');
    expect(r.code).toBe(1);
  });

  it('broken variant → reference with --format markdown: exit 0, a pull-request comment', async () => {
    const r = await cli(['diff', badJson, refJson, '--format', 'markdown']);
    expect(r.out.split('\n')[0]).toBe('## mcp-session-conformance diff: no regressions');
    expect(r.out).toContain('**Newly passing**');
    expect(r.code).toBe(0);
  });

  it('unreadable, non-JSON or non-results input is exit 2 naming the file', async () => {
    for (const [f, msg] of [
      [join(dir, 'missing.json'), 'cannot read file'],
      [file('broken.json', '{"format":'), 'not JSON'],
      [file('other.json', '{"format":"something-else/1"}'), 'not a results.json of this suite'],
    ] as const) {
      const r = await cli(['diff', refJson, f]);
      expect(r.code, f).toBe(2);
      expect(r.err).toContain(`mcp-session-conformance diff: ${f}: ${msg}`);
    }
    expect((await cli(['diff', refJson])).code).toBe(2);
    expect((await cli(['diff', refJson, badJson, '--format', 'html'])).code).toBe(2);
  });
});

describe('merge', () => {
  it('writes merged.html and merged.json for several runs', async () => {
    const out = join(dir, 'merged');
    const r = await cli(['merge', refJson, badJson, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`merged 2 runs: ${join(out, 'merged.html')}, ${join(out, 'merged.json')}`);
    const m = JSON.parse(readFileSync(join(out, 'merged.json'), 'utf8'));
    expect(m.servers.map((s: { label: string }) => s.label)).toEqual([refJson, badJson]);
    const row = m.versions[0].checks.find((c: { id: string }) => c.id === CHECK);
    expect(row.results.map((x: { verdict: string }) => x.verdict)).toEqual(['pass', 'fail']);
    expect(readFileSync(join(out, 'merged.html'), 'utf8')).toContain('<!DOCTYPE html>');
  });

  it('needs --out and readable inputs (exit 2)', async () => {
    expect((await cli(['merge', refJson])).code).toBe(2);
    const r = await cli(['merge', refJson, join(dir, 'nope.json'), '--out', join(dir, 'm2')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.json: cannot read file');
  });
});

describe('--format markdown on the main run', () => {
  it('prints only summary.md on stdout (progress on stderr) and writes it and badge.svg beside the other reports', async () => {
    const out = join(dir, 'md');
    const r = await runCli(['--out', out, '--scenario', SCEN, '--format', 'markdown'], { env: BROKEN });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(readFileSync(join(out, 'summary.md'), 'utf8'));
    expect(r.stdout.split('\n')[0]).toBe('## MCP session conformance: mcp\\-session\\-conformance\\-reference 0\\.1\\.0');
    expect(r.stdout).toContain('❌ 2 MUST failures for 2025\\-11\\-25');
    expect(r.stdout).toContain(`| \`${CHECK}\` | 2025\\-11\\-25 | MUST | fail |`);
    expect(r.stderr).toContain('exit 1: at least one check is fail, error or blocked');
    expect(readFileSync(join(out, 'badge.svg'), 'utf8')).toContain('2025-11-25 2 MUST failures');
  });
});

it('--help lists diff and merge beside the main run', async () => {
  const r = await cli(['--help']);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Commands:\n\s+diff \[options\] <old> <new>/);
  expect(r.out).toMatch(/\n\s+merge \[options\] <files\.\.\.>/);
  expect(r.out).toContain('--expected-failures <file>');
});
