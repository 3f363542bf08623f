/** Expected-failures files: loading (IDs, positions, the official shape) and their effect on real runs through the baseline machinery. */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResults } from '../model/results.js';
import { SUITES_DIR } from '../model/paths.js';
import { exitCodeFor } from '../engine/suite.js';
import { runSuiteAgainst } from '../../fixtures/harness-run.js';
import { loadSuite } from './loader.js';
import { applyBaseline, type BaselineEntry } from './baseline.js';
import { loadExpectedFailures, type KnownIds } from './expected-failures.js';
import { ScenarioError } from './source.js';

const SCEN = 'http.session.unknown-id';
const CHECK = `${SCEN}/unknown-session-id-gets-404`;
const OTHER = `${SCEN}/unknown-session-id-delete-gets-404`;

let known: KnownIds;
beforeAll(() => {
  const suite = loadSuite(SUITES_DIR);
  known = { checks: new Set(suite.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`))), scenarios: new Set(suite.map((s) => s.id)) };
});

function file(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'msc-xf-')), 'expected-failures.yml');
  writeFileSync(f, text);
  return f;
}

function loadError(text: string): ScenarioError {
  const f = file(text);
  try {
    loadExpectedFailures(f, known);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as ScenarioError).file).toBe(f);
    return e as ScenarioError;
  }
  throw new Error('loaded without error');
}

describe('loadExpectedFailures', () => {
  it('reads the server list (check IDs and scenario IDs) as failing baseline entries and ignores client', () => {
    const entries = loadExpectedFailures(file(`server:\n  - ${SCEN}\n  - ${CHECK}\n  - ${CHECK}\nclient:\n  - auth/basic-cimd\n`), known);
    expect(entries).toEqual<BaselineEntry[]>([
      { check: SCEN, verdict: 'failing' },
      { check: CHECK, verdict: 'failing' },
    ]);
  });

  it('an empty file, an empty server list or a client-only file give no entries', () => {
    expect(loadExpectedFailures(file('server:\n'), known)).toEqual([]);
    expect(loadExpectedFailures(file('server: []\n'), known)).toEqual([]);
    expect(loadExpectedFailures(file('client:\n  - initialize\n'), known)).toEqual([]);
  });

  it('a renamed published check stands for the check that replaced it', () => {
    expect(loadExpectedFailures(file('server:\n  - old.scenario/old-check\n'), known, { 'old.scenario/old-check': CHECK })).toEqual([{ check: CHECK, verdict: 'failing' }]);
  });

  it('an unknown check or scenario is an error at its line', () => {
    const e = loadError(`server:\n  - ${CHECK}\n  - ${SCEN}/no-such-check\n`);
    expect([e.line, e.col]).toEqual([3, 5]);
    expect(e.problem).toMatch(/unknown check "http\.session\.unknown-id\/no-such-check"/);
    const s = loadError(`server:\n  - no.such.scenario\n`);
    expect(s.line).toBe(2);
    expect(s.problem).toMatch(/unknown scenario "no\.such\.scenario"/);
  });

  it("the official package's scenario:check form and a stray-space mapping get targeted messages", () => {
    const colon = loadError(`server:\n  - ${SCEN}:unknown-session-id-gets-404\n`);
    expect(colon.line).toBe(2);
    expect(colon.problem).toContain(`write "${CHECK}"`);
    const mapping = loadError(`server:\n  - ${SCEN}: unknown-session-id-gets-404\n`);
    expect(mapping.line).toBe(2);
    expect(mapping.problem).toContain(`write "${CHECK}"`);
  });

  it('a file that is not the shape (unknown key, not a list, bad YAML) is an error with a position', () => {
    expect(loadError('servers:\n  - x\n').problem).toMatch(/unknown key "servers"/);
    expect(loadError('server: just-a-string\n').problem).toMatch(/schema: at server/);
    expect(loadError('server:\n  - [unclosed\n').problem).toMatch(/invalid YAML/);
    expect(loadError('server:\n  - 42\n').line).toBe(2);
  });
});

describe('expected failures applied to real runs (the baseline machinery)', () => {
  let broken: RunResults;
  let reference: RunResults;
  beforeAll(async () => {
    // The variant serves a never-issued session ID: two MUST checks of the scenario fail.
    [broken, reference] = await Promise.all([runSuiteAgainst({ unknownSession: 'serve' }, ['2025-11-25'], {}, [SCEN]), runSuiteAgainst({}, ['2025-11-25'], {}, [SCEN])]);
    expect(broken.checks.filter((c) => c.verdict === 'fail').map((c) => c.id).sort()).toEqual([OTHER, CHECK].sort());
  });

  /** The run with `entries` applied as the CLI does: matched checks marked, stale entries listed. */
  function applied(r: RunResults, entries: BaselineEntry[]): RunResults {
    const b = applyBaseline(entries, r.checks);
    const hit = new Set(b.expected);
    return {
      ...r,
      checks: r.checks.map((c) => (hit.has(`${c.id}@${c.protocolVersion}`) ? { ...c, baseline: 'expected' as const } : c)),
      baseline: { file: 'expected-failures.yml', expected: b.expected, stale: b.stale },
    };
  }

  it('a listed scenario covers every failing check of it: exit 0, nothing stale', () => {
    const r = applied(broken, loadExpectedFailures(file(`server:\n  - ${SCEN}\n`), known));
    expect(r.baseline!.expected.sort()).toEqual([`${CHECK}@2025-11-25`, `${OTHER}@2025-11-25`].sort());
    expect(r.baseline!.stale).toEqual([]);
    expect(exitCodeFor(r)).toBe(0);
  });

  it('a listed check covers only itself: the other failure still gates (exit 1)', () => {
    const r = applied(broken, loadExpectedFailures(file(`server:\n  - ${CHECK}\n`), known));
    expect(r.baseline!.expected).toEqual([`${CHECK}@2025-11-25`]);
    expect(exitCodeFor(r)).toBe(1);
  });

  it('a listed check or scenario that passes is stale: exit 3', () => {
    const r = applied(reference, loadExpectedFailures(file(`server:\n  - ${CHECK}\n  - ${SCEN}\n`), known));
    expect(r.baseline!.expected).toEqual([]);
    expect(r.baseline!.stale.map((e) => e.check)).toEqual([CHECK, SCEN]);
    expect(exitCodeFor(r)).toBe(3);
  });

  it('a listed scenario with one failing check is not stale even though its other checks pass', () => {
    const onlyOne = { ...broken, checks: broken.checks.map((c) => (c.id === OTHER ? { ...c, verdict: 'pass' as const } : c)) };
    const r = applied(onlyOne, loadExpectedFailures(file(`server:\n  - ${SCEN}\n`), known));
    expect(r.baseline!.stale).toEqual([]);
    expect(exitCodeFor(r)).toBe(0);
  });

  it('entries for scenarios that did not run are neither expected nor stale', () => {
    const r = applied(reference, loadExpectedFailures(file('server:\n  - http.session.delete-terminates\n'), known));
    expect(r.baseline).toMatchObject({ expected: [], stale: [] });
    expect(exitCodeFor(r)).toBe(0);
  });
});
