/** Baselines through the CLI: expected verdicts do not gate, stale entries give exit 3, bad files exit 2 with a position. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../fixtures/cli-process.js';

const CHECK = 'http.session.delete-terminates/terminated-session-delete-returns-404';
const SCEN = 'http.session.delete-terminates';

function baselineFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'msc-baseline-'));
  const f = join(dir, 'baseline.yaml');
  writeFileSync(f, text);
  return f;
}

describe('--baseline', () => {
  const good = () => baselineFile(`expected:\n  - check: ${CHECK}\n    verdict: fail\n    note: known, tracked upstream\n`);

  it('a failure the baseline expects does not gate: exit 0, marked in results.json', async () => {
    const out = mkdtempSync(join(tmpdir(), 'msc-b-'));
    const r = await runCli(['--out', out, '--scenario', SCEN, '--baseline', good()], { env: { MCP_FIXTURE_VARIANT: 'terminated-session-delete-200' } });
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const c = results.checks.find((x: { id: string }) => x.id === CHECK);
    expect(c.verdict).toBe('fail');
    expect(c.baseline).toBe('expected');
    expect(results.baseline.stale).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('without the baseline the same run exits 1', async () => {
    const r = await runCli(['--out', mkdtempSync(join(tmpdir(), 'msc-b-')), '--scenario', SCEN], { env: { MCP_FIXTURE_VARIANT: 'terminated-session-delete-200' } });
    expect(r.code).toBe(1);
  });

  it('an entry the server no longer earns is stale: exit 3', async () => {
    const r = await runCli(['--out', mkdtempSync(join(tmpdir(), 'msc-b-')), '--scenario', SCEN, '--baseline', good()]);
    expect(r.stdout).toContain(`stale: ${CHECK} no longer gives fail`);
    expect(r.code).toBe(3);
  });

  it('a baseline that is not YAML is exit 2 with file:line:col, before any run', async () => {
    const f = baselineFile('expected:\n  - check: [unclosed\n');
    const r = await runCli(['--baseline', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid baseline: .*baseline\.yaml:\d+:\d+: invalid YAML/);
    expect(r.stderr).not.toMatch(/starting target/);
  });

  it('an unknown check or a bad verdict is exit 2 at its position', async () => {
    const unknown = await runCli(['--baseline', baselineFile('expected:\n  - check: no.such/check\n    verdict: fail\n')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/baseline\.yaml:2:12: unknown check "no\.such\/check"/);
    const verdict = await runCli(['--baseline', baselineFile(`expected:\n  - check: ${CHECK}\n    verdict: pass\n`)]);
    expect(verdict.code).toBe(2);
    expect(verdict.stderr).toMatch(/baseline\.yaml:3:14: schema: at expected\.0\.verdict: must be one of/);
  });
});
