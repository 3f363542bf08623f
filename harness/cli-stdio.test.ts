/**
 * The CLI against stdio servers (`--stdio`, `--cwd`, `--env`): an end-to-end
 * run with its reports, usage errors, and process hygiene — no process of
 * the server outlives the run, after a normal end and after SIGINT, even
 * for a server that ignores both stdin EOF and SIGTERM.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { processesWith, runCli } from '../fixtures/cli-process.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msc-stdio-cli-'));

/** A path to the built stdio reference server whose name holds `marker` (a symlink), so that `ps` can find its processes. */
function markedServer(marker: string): string {
  const dir = mkdtempSync(join(tmpdir(), `msc-${marker}-`));
  const link = join(dir, `stdio-server-${marker}.js`);
  symlinkSync(resolve('dist/fixtures/stdio-reference-server.js'), link);
  return link;
}


describe('cli: --stdio', () => {
  it('judges a stdio server end to end: transport in the reports, HTTP-only checks not-applicable, no process left', async () => {
    const out = tmp();
    const marker = `e2e-${process.pid}-${Date.now()}`;
    const work = tmp();
    const r = await runCli([
      '--stdio', `node ${markedServer(marker)} --variant stdio-stderr-logs`,
      '--cwd', work, '--env', 'MSC_SECRET=do-not-record',
      '--scenario', 'lifecycle.ping', '--scenario', 'transports.stdio.framing', '--scenario', 'http.session.unknown-id',
      '--out', out,
    ]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.target).toMatchObject({ kind: 'stdio', transport: 'stdio', url: 'stdio:', cwd: work, env: ['MSC_SECRET'] });
    expect(JSON.stringify(results)).not.toContain('do-not-record');
    const byScenario = (id: string) => results.checks.filter((c: { scenario: string }) => c.scenario === id);
    expect(byScenario('lifecycle.ping').every((c: { verdict: string }) => c.verdict === 'pass')).toBe(true);
    expect(byScenario('transports.stdio.framing').some((c: { verdict: string }) => c.verdict === 'pass')).toBe(true);
    expect(byScenario('http.session.unknown-id').every((c: { verdict: string; reason: string }) => c.verdict === 'not-applicable' && c.reason === 'transport-http-only')).toBe(true);
    // The transcript records the lines written and read, with their process.
    const run = results.scenarios.find((s: { id: string }) => s.id === 'lifecycle.ping');
    const first = run.transcript[0];
    expect(first.request.method).toBe('STDIN');
    expect(first.stdio.stdout.length).toBeGreaterThan(0);
    expect(processesWith(marker)).toEqual([]);
  });

  it('refuses --stdio with --url, --cwd or --env without --stdio, a bad --env and --header with --stdio (exit 2)', async () => {
    const cases: string[][] = [
      ['--stdio', 'node x.js', '--url', 'http://127.0.0.1:1/mcp'],
      ['--cwd', '/tmp'],
      ['--stdio', 'node x.js', '--env', 'no-equals-sign'],
      ['--stdio', 'node x.js', '--header', 'Authorization: Bearer x'],
      ['--stdio', 'node x.js', '--cwd', '/does/not/exist'],
    ];
    for (const args of cases) {
      const r = await runCli([...args, '--out', tmp()]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/--stdio|--env|--cwd|--header/);
    }
  });

  it('on SIGINT stops every server process, even one that ignores EOF and SIGTERM, writes the reports, exits 130', async () => {
    const out = tmp();
    const marker = `sigint-${process.pid}-${Date.now()}`;
    let aliveAtSignal: string[] = [];
    // One scenario run at a time, every revision: on the first PASS most of the run is still ahead.
    const r = await runCli(['--stdio', `node ${markedServer(marker)} --variant stdio-ignore-sigterm`, '--protocol-version', 'all', '--concurrency', '1', '--out', out], {
      onLine: {
        stream: 'stdout',
        match: /^PASS /,
        act: (_line, pid) => {
          aliveAtSignal = processesWith(marker);
          process.kill(pid, 'SIGINT');
        },
      },
    });
    expect(r.actedOn, r.stdout).toBeDefined();
    expect(r.code, r.stderr).toBe(130);
    expect(processesWith(marker)).toEqual([]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.interrupted).toBe(true);
    const verdicts = new Set(results.checks.map((c: { verdict: string }) => c.verdict));
    expect(verdicts.has('pass')).toBe(true);
    expect(verdicts.has('skipped')).toBe(true);
    // Whether a server process was up at the signal depends on where the run was; what matters is none is left.
    expect(Array.isArray(aliveAtSignal)).toBe(true);
  });

  it('a stdio command that exits at once is diagnosed once: initialize-succeeds is error with its exit code and stderr, the rest blocked', async () => {
    const out = tmp();
    const r = await runCli(['--stdio', 'echo "boom: no such server" >&2; exit 3', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const judged = results.checks.filter((c: { reason?: string }) => !['version-out-of-range', 'transport-http-only'].includes(c.reason ?? ''));
    const errors = judged.filter((c: { verdict: string }) => c.verdict === 'error');
    expect(errors.map((c: { id: string; reason: string }) => `${c.id} ${c.reason}`)).toEqual(['lifecycle.initialize.result/initialize-succeeds exited']);
    expect(errors[0].observed).toMatch(/exited with code 3/);
    expect(errors[0].observed).toMatch(/boom: no such server/);
    expect(judged.filter((c: { verdict: string; reason?: string }) => c.verdict !== 'error' && !(c.verdict === 'blocked' && c.reason === 'target-not-answering'))).toEqual([]);
  });
});
