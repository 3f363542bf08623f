/**
 * The typed API (`runSuite`, the package's main export) against the reference
 * server: in-process on a loopback port (`url`), the bundled one (no target),
 * a broken variant, a baseline, interruption, and the errors that are not verdicts.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceServer } from '../fixtures/reference-server.js';
import { VARIANTS } from '../fixtures/variants.js';
import { exitCodeFor, renderJson, runSuite, RunSuiteError, type CheckResult } from './api.js';
import { escapeHtml } from '../reports/html.js';
import { freePort, groupAlive } from './target/target.js';

const SCENARIOS = ['lifecycle.initialize.result', 'lifecycle.ping'];
const servers: Server[] = [];
const tmp = () => mkdtempSync(join(tmpdir(), 'msc-api-'));

/** Starts the reference server (with `faults`) on a free loopback port; returns its /mcp URL. */
async function reference(faults = {}): Promise<string> {
  const s = createReferenceServer(faults);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`;
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** The RunSuiteError a promise or call rejects/throws with. */
async function caught(p: Promise<unknown> | (() => unknown)): Promise<RunSuiteError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(RunSuiteError);
    return e as RunSuiteError;
  }
  throw new Error('expected a RunSuiteError');
}

describe('runSuite', () => {
  it('judges a running server by url, reports every check through onCheck, writes the reports with out', async () => {
    const url = await reference();
    const out = tmp();
    const seen: CheckResult[] = [];
    let written: string[] = [];
    const r = await runSuite({ url, scenarios: SCENARIOS, protocolVersions: ['2025-11-25'], out, onCheck: (c) => seen.push(c), onReportsWritten: (p) => (written = Object.values(p)) });
    expect(r.target).toMatchObject({ kind: 'url', url, transport: 'streamable-http' });
    expect(r.protocolVersions).toEqual(['2025-11-25']);
    expect(new Set(r.checks.map((c) => c.scenario))).toEqual(new Set(SCENARIOS));
    expect(r.checks.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(5);
    expect(r.checks.filter((c) => !['pass', 'not-applicable', 'info'].includes(c.verdict))).toEqual([]);
    expect(exitCodeFor(r)).toBe(0);
    expect(seen.map((c) => `${c.id}@${c.protocolVersion}`).sort()).toEqual(r.checks.map((c) => `${c.id}@${c.protocolVersion}`).sort());
    expect(readdirSync(out).sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
    expect(written.sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md'].map((f) => join(out, f)));
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(renderJson(r));
    // The catalog's entry for exactly the requirements cited, titled; the report's matrix shows the titles.
    expect(Object.keys(r.requirements ?? {}).sort()).toEqual([...new Set(r.checks.flatMap((c) => c.requirements))].sort());
    expect(r.requirements?.['LIFE-PING-001']).toEqual({ title: 'A ping is answered promptly with an empty result', level: 'MUST (receiver)', source: 'basic/utilities/ping#behavior-requirements' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const { title } of Object.values(r.requirements!)) expect(html).toContain(`<td class="req-title">${escapeHtml(title)}</td>`);
  });

  it('without a target starts the bundled reference server, and stops it afterwards', async () => {
    const starting: string[] = [];
    let pid = 0;
    const r = await runSuite({ scenarios: ['lifecycle.initialize.result'], onTargetStarting: (c) => starting.push(c), onTargetStarted: (t) => (pid = t.pid) });
    expect(starting).toHaveLength(1);
    expect(starting[0]).toMatch(/reference-server\.js/);
    expect(r.target.kind).toBe('reference');
    expect(r.target.serverInfo?.name).toBe('mcp-session-conformance-reference');
    expect(exitCodeFor(r)).toBe(0);
    // Stopped: no live process is left in its group.
    expect(pid).toBeGreaterThan(0);
    expect(groupAlive(pid)).toBe(false);
  });

  it('a broken variant fails its check and gates (exit code 1); a baseline that expects it does not gate', async () => {
    const variant = VARIANTS['no-capabilities']!;
    const [broken] = Object.keys(variant.breaks);
    const url = await reference(variant.faults);
    const r = await runSuite({ url, scenarios: ['lifecycle.initialize.result'], protocolVersions: ['2025-11-25'] });
    const c = r.checks.find((x) => x.id === broken)!;
    expect(c.verdict).toBe('fail');
    expect(c.observed).toBeTruthy();
    expect(exitCodeFor(r)).toBe(1);

    const baseline = join(tmp(), 'baseline.yaml');
    writeFileSync(baseline, `expected:\n  - check: ${broken}\n    verdict: fail\n`);
    const b = await runSuite({ url, scenarios: ['lifecycle.initialize.result'], protocolVersions: ['2025-11-25'], baseline });
    expect(b.checks.find((x) => x.id === broken)!.baseline).toBe('expected');
    expect(b.baseline).toMatchObject({ file: baseline, expected: [`${broken}@2025-11-25`], stale: [] });
    expect(exitCodeFor(b)).toBe(0);
  });

  it('an abort after discovery interrupts the run: the checks are skipped (run-interrupted), nothing is judged', async () => {
    const url = await reference();
    const ac = new AbortController();
    const r = await runSuite({ url, scenarios: SCENARIOS, protocolVersions: ['2025-11-25'], signal: ac.signal, onDiscovered: () => ac.abort() });
    expect(r.interrupted).toBe(true);
    expect(r.checks.length).toBeGreaterThan(0);
    expect(new Set(r.checks.map((c) => `${c.verdict} (${c.reason})`))).toEqual(new Set(['skipped (run-interrupted)']));
  });

  it('what is not a verdict is a RunSuiteError with its kind', async () => {
    expect((await caught(runSuite({ scenarios: ['no.such.scenario'] }))).kind).toBe('usage');
    expect((await caught(runSuite({ protocolVersions: ['1999-01-01'] }))).kind).toBe('usage');
    expect((await caught(runSuite({ command: 'true' }))).message).toMatch(/--command needs --url/);
    expect((await caught(runSuite({ timeoutMs: 0 }))).message).toMatch(/timeoutMs must be a positive integer/);
    const bad = join(tmp(), 'baseline.yaml');
    writeFileSync(bad, 'expected:\n  - check: no.such/check\n    verdict: fail\n');
    const e = await caught(runSuite({ baseline: bad }));
    expect(e.kind).toBe('invalid-baseline');
    expect(e.message).toMatch(/baseline\.yaml:2:\d+: unknown check/);
    const closed = `http://127.0.0.1:${await freePort()}/mcp`;
    expect((await caught(runSuite({ url: closed, scenarios: ['lifecycle.ping'] }))).kind).toBe('target');
    const failing = await caught(runSuite({ command: `node -e "console.error('cannot bind'); process.exit(3)"`, url: 'http://127.0.0.1:{port}/mcp', scenarios: ['lifecycle.ping'] }));
    expect(failing.kind).toBe('target');
    expect(failing.stderr).toMatch(/cannot bind/);
  });
});
