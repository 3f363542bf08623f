/**
 * Requirement coverage: the MUST/SHOULD detection, the computation on a small
 * temp catalog + suite + exclusions, located errors in catalog and exclusion
 * files, `--coverage` in the CLI, and the project's own coverage gate (every
 * in-scope MUST/SHOULD has a check or a written exclusion) and docs/coverage.md.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundledCoverage,
  checksByRequirement,
  computeCoverage,
  coverageDocument,
  coverageRows,
  coverageSummary,
  inScope,
  isMustOrShould,
  loadCatalog,
  loadCoverage,
  loadExclusions,
  uncoveredMustShould,
} from './coverage.js';
import { loadSuite, loadRequirementIds, ScenarioError } from './loader.js';
import { main } from '../cli.js';
import { PACKAGE_ROOT, SUITES_DIR } from '../model/paths.js';

const CATALOG = join(SUITES_DIR, '_catalog', 'requirements.yaml');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes `files` (relative path → text) under a fresh temp folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'msc-coverage-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** The ScenarioError `fn` throws (fails the test when it returns or throws anything else). */
function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw new Error(`expected a ScenarioError, got ${String(e)}`);
  }
  throw new Error('expected a ScenarioError, but nothing was thrown');
}

describe('isMustOrShould', () => {
  it.each([
    ['MUST (S)', true],
    ['MUST NOT (C)', true],
    ['MUST / MUST NOT (S)', true],
    ['SHOULD NOT (S)', true],
    ['MAY (S) / SHOULD NOT (C)', true],
    ['MUST (receive) / MAY (send)', true],
    ['MAY (S+C); 11-25 adds a SHOULD', true],
    ['SHOULD (11-05, 03-26) → **MUST (06-18, 11-25)** (S+C)', true],
    ['convention: SHOULD in 03-26+ (the completion page pairs "-32601" …)', true],
    ['03-26, 06-18: SHOULD NOT close the stream before the response', true],
    ['MUST', true],
    ['U', false],
    ['U (the schema makes the field required)', false],
    ['MAY (S)', false],
    ['guidance', false],
    ['spec statement', false],
    ['removed', false],
    ['example only (not normative)', false],
    ['derived / ambiguous (S)', false],
    ['detection procedure (C)', false],
    ['"should" (lower case, advice) (S)', false],
    ['MUSTARD', false],
    ['SHOULDER', false],
    ['', false],
  ])('%j → %s', (level, expected) => {
    expect(isMustOrShould(level)).toBe(expected);
  });
});

describe('the bundled catalog', () => {
  const catalog = loadCatalog(CATALOG);

  it('keeps every ID the loader knows, each with a section and a level', () => {
    expect(new Set(catalog.requirements.map((r) => r.id))).toEqual(loadRequirementIds(CATALOG));
    expect(catalog.requirements.filter((r) => !r.section || !r.level).map((r) => r.id)).toEqual([]);
  });

  it('puts sections 1–7 and 9 (BASE, ERR, LIFE-*, HTTP-*, STDIO, V5) in scope and 8 (SSE) out, with a reason', () => {
    const inIds = catalog.requirements.filter((r) => inScope(catalog, r)).map((r) => r.id);
    expect(inIds.every((id) => /^(BASE|ERR|LIFE-(INIT|VER|CAP|PING|OPS|SHUT)|HTTP-[A-Z]+|STDIO|V5-[A-Z]+)-\d{3}$/.test(id))).toBe(true);
    expect(inIds.length).toBe(19 + 11 + 6 + 9 + 9 + 58 + 12 + 33); // catalog §13 counts
    const outIds = catalog.requirements.filter((r) => !inScope(catalog, r)).map((r) => r.id);
    expect(outIds.every((id) => /^SSE-\d{3}$/.test(id))).toBe(true);
    expect(catalog.sections.filter((s) => s.scope === 'out').map((s) => s.id)).toEqual(['8']);
    expect(catalog.sections.filter((s) => s.scope === 'out').every((s) => (s.reason ?? '').length > 10)).toBe(true);
  });
});

/** A small world: sections A (in) and Z (out), and three scenarios' worth of checks. */
const WORLD = {
  '_catalog/requirements.yaml': [
    'sections:',
    '  - { id: "A", title: Things, scope: in }',
    '  - { id: "Z", title: Elsewhere, scope: out, reason: "Not this suite." }',
    'requirements:',
    '  - { id: T-001, title: "A thing | done", section: "A", level: "MUST (S)", versions: all, source: "#a" }',
    '  - { id: T-002, section: "A", level: "SHOULD (C)", versions: "03-26+", source: "#b" }',
    '  - { id: T-003, section: "A", level: "MAY (S)", versions: all, source: "#c" }',
    '  - { id: T-004, section: "A", level: "MUST NOT (S)", versions: all, source: "#d" }',
    '  - { id: T-005, section: "A", level: "U", versions: all, source: "#e" }',
    '  - { id: T-006, section: "Z", level: "MUST", versions: all, source: "#f" }',
    '  - { id: T-007, level: "SHOULD", versions: all }',
    '',
  ].join('\n'),
  '_catalog/exclusions.yaml': 'exclusions:\n  - { id: T-002, reason: client-obligation, note: "The suite does this itself." }\n',
  'one.yaml': [
    'id: test.one',
    'title: One',
    'versions: {}',
    'checks:',
    '  - { id: a, title: A, level: MUST, requirements: [T-001], spec: basic/x }',
    '  - { id: b, title: B, level: INFO, requirements: [T-001, T-005, T-006], spec: basic/x }',
    'steps:',
    '  - id: s',
    '    http: { jsonrpc: { method: ping } }',
    '    expect: { a: { status: 200 } }',
    '    outcomes:',
    '      - when: { status: 200 }',
    '        record: { b: pass }',
    '',
  ].join('\n'),
};

describe('computeCoverage on a temp catalog, suite and exclusions', () => {
  const root = tree(WORLD);
  const scenarios = loadSuite(root);
  const c = loadCoverage(join(root, '_catalog', 'requirements.yaml'), scenarios);

  it('gives each in-scope ID its status, checks or exclusion, in catalog order', () => {
    const rows = Object.fromEntries(coverageRows(c).map((r) => [r.id, r]));
    expect(Object.keys(rows)).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-007']);
    expect(rows['T-001']).toMatchObject({ status: 'checked', mustOrShould: true, checks: ['test.one/a', 'test.one/b'], title: 'A thing | done', level: 'MUST (S)', versions: 'all' });
    expect(rows['T-002']!.title).toBe('');
    expect(rows['T-002']).toMatchObject({ status: 'excluded', mustOrShould: true, checks: [], exclusion: { reason: 'client-obligation' } });
    expect(rows['T-003']).toMatchObject({ status: 'uncovered', mustOrShould: false });
    expect(rows['T-004']).toMatchObject({ status: 'uncovered', mustOrShould: true });
    expect(rows['T-005']).toMatchObject({ status: 'checked', mustOrShould: false, checks: ['test.one/b'] });
    expect(rows['T-007']).toMatchObject({ status: 'uncovered', mustOrShould: true });
    expect(rows['T-001']!.exclusion).toBeUndefined();
  });

  it('lists unsectioned IDs last and out-of-scope sections apart, even when a check cites them', () => {
    expect(c.sections.map((s) => s.section?.id)).toEqual(['A', undefined]);
    expect(c.outOfScope).toEqual([{ section: { id: 'Z', title: 'Elsewhere', scope: 'out', reason: 'Not this suite.' }, ids: ['T-006'] }]);
  });

  it('names the uncovered MUST/SHOULD IDs and counts in one summary line', () => {
    expect(uncoveredMustShould(c).map((r) => r.id)).toEqual(['T-004', 'T-007']);
    expect(coverageSummary(c)).toBe(
      'in scope: 6 IDs (4 MUST/SHOULD): 2 checked, 1 excluded, 3 uncovered (2 of them MUST/SHOULD); out of scope: 1 IDs (sections Z)',
    );
  });

  it('renders a table row per ID with checks or the exclusion reason, and the out-of-scope reason', () => {
    const doc = coverageDocument(c);
    expect(doc).toContain('| ID | title | level | versions | MUST/SHOULD | status | checks, or why excluded |');
    // The title's | is escaped so the row keeps its cells.
    expect(doc).toContain('| T-001 | A thing \\| done | MUST (S) | all | yes | checked | `test.one/a`, `test.one/b` |');
    expect(doc).toContain('| T-002 |  | SHOULD (C) | 03-26+ | yes | excluded | client-obligation: The suite does this itself. |');
    expect(doc).toContain('| T-004 |  | MUST NOT (S) | all | yes | uncovered |  |');
    expect(doc).toContain('| Z: Elsewhere | 1 (T-006…T-006) | Not this suite. |');
  });

  it('works without an exclusions file and without sections (a bare custom catalog)', () => {
    const bare = tree({ '_catalog/requirements.yaml': 'requirements:\n  - id: X-001\n' });
    const cc = loadCoverage(join(bare, '_catalog', 'requirements.yaml'), []);
    expect(coverageRows(cc)).toEqual([{ id: 'X-001', title: '', level: '', versions: '', mustOrShould: false, status: 'uncovered', checks: [] }]);
    expect(cc.outOfScope).toEqual([]);
  });

  it('is pure: the same inputs give the same answer, and a cited exclusion counts as checked', () => {
    const catalog = loadCatalog(join(root, '_catalog', 'requirements.yaml'));
    const both = computeCoverage(catalog, scenarios, [{ id: 'T-001', reason: 'needs-auth', note: 'Hypothetical.' }]);
    expect(coverageRows(both).find((r) => r.id === 'T-001')).toMatchObject({ status: 'checked' });
    expect(coverageRows(both).find((r) => r.id === 'T-001')!.exclusion).toBeUndefined();
  });
});

describe('located errors', () => {
  const root = tree(WORLD);
  const catalog = loadCatalog(join(root, '_catalog', 'requirements.yaml'));
  const checks = checksByRequirement(loadSuite(root));
  const exclusions = (text: string) => {
    const f = join(tree({ 'exclusions.yaml': text }), 'exclusions.yaml');
    return errorOf(() => loadExclusions(f, catalog, checks, 'exclusions.yaml')).message;
  };
  const catalogError = (text: string) => {
    const f = join(tree({ 'requirements.yaml': text }), 'requirements.yaml');
    return errorOf(() => loadCatalog(f, 'requirements.yaml')).message;
  };

  it('exclusions: malformed YAML, schema violations', () => {
    expect(exclusions('exclusions:\n  - { id: T-004, reason: [\n')).toMatch(/^exclusions\.yaml:\d+:\d+: invalid YAML/);
    expect(exclusions('exclusions:\n  - { id: T-004, reason: too-hard, note: "Because it is hard to do." }\n')).toBe(
      'exclusions.yaml:2:26: schema: at exclusions.0.reason: must be one of "client-obligation", "untestable-black-box", "needs-target-cooperation", "needs-auth", "stdio-only"',
    );
    expect(exclusions('exclusions:\n  - id: T-004\n    reason: needs-auth\n')).toBe('exclusions.yaml:2:5: schema: missing required key "note" at exclusions.0');
    expect(exclusions('exclusions:\n  - id: T-004\n    reason: needs-auth\n    note: A sentence of reason.\n    extra: 1\n')).toBe(
      'exclusions.yaml:5:5: schema: unknown key "extra" at exclusions.0',
    );
    expect(exclusions('exclude: []\n')).toMatch(/^exclusions\.yaml:1:1: schema: /);
  });

  it('exclusions: unknown, duplicate, out-of-scope and checked IDs', () => {
    const e = (id: string) => `  - { id: ${id}, reason: needs-auth, note: "A sentence of reason." }\n`;
    expect(exclusions(`exclusions:\n${e('T-999')}`)).toMatch(/^exclusions\.yaml:2:11: unknown requirement ID "T-999" \(not in .*requirements\.yaml\)$/);
    expect(exclusions(`exclusions:\n${e('T-004')}${e('T-004')}`)).toBe('exclusions.yaml:3:11: "T-004" is excluded twice');
    expect(exclusions(`exclusions:\n${e('T-006')}`)).toBe(
      'exclusions.yaml:2:11: "T-006" is in section Z, which is out of scope (Not this suite.); it needs no exclusion',
    );
    expect(exclusions(`exclusions:\n${e('T-003')}${e('T-001')}`)).toBe(
      'exclusions.yaml:3:11: "T-001" is excluded but checked by test.one/a, test.one/b; remove the exclusion',
    );
  });

  it('catalog: unknown section, out-of-scope section without reason, duplicates, unknown keys', () => {
    expect(catalogError('sections: []\nrequirements:\n  - id: X-001\n    section: "9"\n')).toBe('requirements.yaml:4:14: unknown section "9" (sections: none)');
    expect(catalogError('sections:\n  - { id: "1", title: T, scope: out }\nrequirements: []\n')).toBe(
      'requirements.yaml:2:5: schema: missing required key "reason" at sections.0',
    );
    expect(catalogError('requirements:\n  - id: X-001\n  - id: X-001\n')).toBe('requirements.yaml:3:9: duplicate requirement id "X-001"');
    expect(catalogError('sections:\n  - { id: "1", title: T, scope: in }\n  - { id: "1", title: U, scope: in }\nrequirements: []\n')).toBe(
      'requirements.yaml:3:11: duplicate section id "1"',
    );
    expect(catalogError('requirements:\n  - id: X-001\n    levle: MUST\n')).toBe('requirements.yaml:3:5: schema: unknown key "levle" at requirements.0');
  });
});

describe('mcp-session-conformance --coverage', () => {
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s), color: false });
    return { code, out, err };
  };

  it('prints the bundled table and summary, exit 0', async () => {
    const r = await run(['--coverage']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\| HTTP-SESS-006 \| Once a session is terminated, any request carrying its id gets 404 Not Found \| MUST \(S\) \| 03-26→11-25 \| yes \| checked \| .*`http\.session\.delete-terminates\/terminated-session-returns-404`/m);
    expect(r.out).toMatch(/^\| HTTP-SEC-006 \| Every connection is authenticated \| SHOULD \(S\) \| 03-26\+ \| yes \| excluded \| needs-auth: /m);
    expect(r.out).toMatch(/^\| STDIO-002 \| Messages are separated by newlines and contain no embedded newline \| MUST \| all \| yes \| checked \| .*`transports\.stdio\.framing\/stdout-lines-are-json`/m);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe(coverageSummary(bundledCoverage()));
  });

  it('with --suite uses that suite with its own catalog and exclusions', async () => {
    const root = tree(WORLD);
    const r = await run(['--coverage', '--suite', root]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('| T-002 |  | SHOULD (C) | 03-26+ | yes | excluded | client-obligation: The suite does this itself. |');
    expect(r.out).not.toContain('HTTP-SESS-006');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^in scope: 6 IDs/);
  });

  it('an invalid exclusions file is a usage error (exit 2) naming file:line:col', async () => {
    const root = tree({ ...WORLD, '_catalog/exclusions.yaml': 'exclusions:\n  - { id: T-001, reason: needs-auth, note: "Checked, so wrong." }\n' });
    const r = await run(['--coverage', '--suite', root]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid coverage data: .*exclusions\.yaml:2:11: "T-001" is excluded but checked by test\.one\/a, test\.one\/b; remove the exclusion$/m);
    expect(r.out).toBe('');
  });
});

describe('the project', () => {
  it('has a check or a written exclusion for every in-scope MUST and SHOULD', () => {
    const c = bundledCoverage();
    const missing = uncoveredMustShould(c);
    // Grouped by catalog section: add a check citing the ID, or an exclusion with its reason.
    const list = c.sections
      .map(({ section, rows }) => ({ section, rows: rows.filter((r) => missing.includes(r)) }))
      .filter((g) => g.rows.length)
      .map((g) => `${g.section ? `section ${g.section.id}: ${g.section.title}` : 'no section'}\n${g.rows.map((r) => `  ${r.id}  ${r.level}  (${r.versions})`).join('\n')}`)
      .join('\n');
    expect(
      missing.map((r) => r.id),
      `${missing.length} in-scope MUST/SHOULD requirements have neither a check nor an entry in suites/_catalog/exclusions.yaml:\n${list}\n`,
    ).toEqual([]);
  });

  it('docs/coverage.md matches the catalog, scenarios and exclusions (regenerate with npm run gen)', () => {
    expect(readFileSync(join(PACKAGE_ROOT, 'docs', 'coverage.md'), 'utf8')).toBe(`${coverageDocument(bundledCoverage())}\n`);
  });
});
