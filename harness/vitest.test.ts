/**
 * The vitest helper as a server's own suite uses it: `describeConformance`
 * against the reference server registers one test per check (these tests
 * are the reference's verdicts, and fail if one is fail or error), and
 * `judgeCheck` turns a broken variant's fail into a failing test's message.
 */
import { describe, it, expect, afterAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createReferenceServer } from '../fixtures/reference-server.js';
import { VARIANTS } from '../fixtures/variants.js';
import { runSuite } from './api.js';
import { describeConformance, judgeCheck } from './vitest.js';

const server = createReferenceServer();
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const SCENARIOS = ['lifecycle.initialize.result', 'http.session.delete-terminates'];

// At named versions: one test per check@version.
const atVersions = describeConformance({ name: 'reference at two versions', url, scenarios: SCENARIOS, protocolVersions: ['2025-06-18', '2025-11-25'] });
// Versions chosen by discovery: one test per check, judged at the version the run chose.
const discovered = describeConformance({ name: 'reference at the negotiated version', scenarios: ['lifecycle.ping'] });

describe('describeConformance', () => {
  it('registered one test per check@version, named as the results key them', ({ task }) => {
    const block = task.file.tasks.find((t) => t.name === 'reference at two versions');
    expect(block?.type).toBe('suite');
    const names = (block as { tasks: Array<{ name: string }> }).tasks.map((t) => t.name).sort();
    const keys = atVersions.results().checks.map((c) => `${c.id}@${c.protocolVersion}`).sort();
    expect(names).toEqual(keys);
    expect(names.length).toBeGreaterThan(10);
  });

  it('without protocolVersions: one test per check ID, judged at the version discovery chose (the bundled reference, started and stopped)', ({ task }) => {
    const r = discovered.results();
    expect(r.target.kind).toBe('reference');
    expect(r.protocolVersions).toEqual(['2025-11-25']);
    const block = task.file.tasks.find((t) => t.name === 'reference at the negotiated version') as { tasks: Array<{ name: string }> };
    expect(block.tasks.map((t) => t.name).sort()).toEqual([...new Set(r.checks.map((c) => c.id))].sort());
  });
});

describe('judgeCheck', () => {
  it('a fail becomes a failing test with expected, observed and the spec link; blocked checks are skipped; a baseline entry passes', async () => {
    const variant = VARIANTS['no-capabilities']!;
    const [broken] = Object.keys(variant.breaks);
    const s = createReferenceServer(variant.faults);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const r = await runSuite({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`, scenarios: ['lifecycle.initialize.result'], protocolVersions: ['2025-11-25'] });
      const c = r.checks.find((x) => x.id === broken)!;
      const j = judgeCheck(c);
      expect(j.outcome).toBe('fail');
      const message = (j as { message: string }).message;
      expect(message).toContain(`${broken}@2025-11-25`);
      expect(message).toContain(`expected: ${c.expected}`);
      expect(message).toContain(`observed: ${c.observed}`);
      expect(message).toContain(c.specUrl);
      expect(judgeCheck({ ...c, baseline: 'expected' }).outcome).toBe('pass');
      const passing = r.checks.find((x) => x.verdict === 'pass')!;
      expect(judgeCheck(passing)).toEqual({ outcome: 'pass' });
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('blocked, not-applicable and skipped are skips with their reason; warn passes unless strict', async () => {
    const variant = VARIANTS['initialize-500']!;
    const s = createReferenceServer(variant.faults);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const r = await runSuite({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`, scenarios: ['lifecycle.initialize.result'], protocolVersions: ['2025-11-25'] });
      const blocked = r.checks.find((x) => x.verdict === 'blocked');
      expect(blocked).toBeDefined();
      const j = judgeCheck(blocked!);
      expect(j.outcome).toBe('skip');
      expect((j as { note: string }).note).toMatch(/^blocked/);
      const warn = { ...blocked!, verdict: 'warn' as const };
      expect(judgeCheck(warn).outcome).toBe('pass');
      expect(judgeCheck(warn, { strict: true }).outcome).toBe('fail');
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
});
