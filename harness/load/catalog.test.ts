/**
 * The one catalog loader: read once per path while the file is unchanged,
 * read again after a change, frozen, levels as written (none given is
 * `undefined`), and the scenario loader's requirement IDs built on it (so a
 * catalog the schema rejects is rejected there too, at file:line:col).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inScope, loadCatalog, requirementIds } from './catalog.js';
import { loadRequirementIds, ScenarioError } from './loader.js';
import { SUITES_DIR } from '../model/paths.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The message `f` throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

function catalogFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'msc-catalog-'));
  dirs.push(dir);
  const f = join(dir, 'requirements.yaml');
  writeFileSync(f, text);
  return f;
}

const TEXT = [
  'sections:',
  '  - { id: "A", title: Things, scope: in }',
  '  - { id: "Z", title: Elsewhere, scope: out, reason: "Not this suite." }',
  'requirements:',
  '  - { id: T-001, title: "A thing is done", section: "A", level: MUST (S) }',
  '  - { id: T-002, section: "Z" }',
  '  - { id: T-003 }',
  '',
].join('\n');

describe('loadCatalog', () => {
  it('gives sections, requirements in order with their levels, and scope', () => {
    const c = loadCatalog(catalogFile(TEXT), 'requirements.yaml');
    expect(c.file).toBe('requirements.yaml');
    expect(c.sections.map((s) => [s.id, s.scope])).toEqual([['A', 'in'], ['Z', 'out']]);
    expect(c.requirements.map((r) => [r.id, r.level, inScope(c, r)])).toEqual([
      ['T-001', 'MUST (S)', true],
      ['T-002', '', false],
      ['T-003', '', true],
    ]);
    expect([...c.levels]).toEqual([['T-001', 'MUST (S)'], ['T-002', undefined], ['T-003', undefined]]);
    // A title as written; none given is empty (a bare list stays valid).
    expect(c.requirements.map((r) => r.title)).toEqual(['A thing is done', '', '']);
  });

  it('rejects a title that is empty, padded, multi-line or longer than 110 characters, at file:line:col', () => {
    const bad = (title: string) => errorOf(() => loadCatalog(catalogFile(`requirements:\n  - id: X-001\n    title: ${JSON.stringify(title)}\n`), 'requirements.yaml'));
    expect(bad('')).toBe('requirements.yaml:3:12: schema: at requirements.0.title: must NOT have fewer than 1 characters');
    expect(bad(' padded')).toMatch(/^requirements\.yaml:3:12: schema: at requirements\.0\.title: must match pattern /);
    expect(bad('two\nlines')).toMatch(/^requirements\.yaml:3:12: schema: at requirements\.0\.title: must match pattern /);
    expect(bad('x'.repeat(111))).toBe('requirements.yaml:3:12: schema: at requirements.0.title: must NOT have more than 110 characters');
    expect(loadCatalog(catalogFile(`requirements:\n  - id: X-001\n    title: ${'x'.repeat(110)}\n`)).requirements[0]!.title).toHaveLength(110);
  });

  it('the bundled catalog titles every requirement', () => {
    const c = loadCatalog(join(SUITES_DIR, '_catalog', 'requirements.yaml'));
    expect(c.requirements.length).toBeGreaterThan(100);
    expect(c.requirements.filter((r) => r.title === '').map((r) => r.id)).toEqual([]);
    // Titles say different things: no two requirements share one.
    const seen = new Map<string, string>();
    const dup = c.requirements.filter((r) => seen.has(r.title) || !seen.set(r.title, r.id)).map((r) => `${r.id} = ${seen.get(r.title)}`);
    expect(dup).toEqual([]);
  });

  it('reads a path once while the file is unchanged, and again after it changes', () => {
    const f = catalogFile(TEXT);
    const first = loadCatalog(f);
    expect(loadCatalog(f)).toBe(first);
    writeFileSync(f, `${TEXT}  - { id: T-004, level: SHOULD (S) }\n`);
    const second = loadCatalog(f);
    expect(second).not.toBe(first);
    expect(second.requirements.map((r) => r.id)).toEqual(['T-001', 'T-002', 'T-003', 'T-004']);
  });

  it('shares a frozen catalog', () => {
    const c = loadCatalog(catalogFile(TEXT));
    expect(Object.isFrozen(c) && Object.isFrozen(c.requirements) && Object.isFrozen(c.requirements[0]) && Object.isFrozen(c.sections[0])).toBe(true);
  });

  it('an invalid file is not cached: once fixed, it loads', () => {
    const f = catalogFile('requirements:\n  - id: X-001\n    levle: MUST\n');
    expect(() => loadCatalog(f, 'requirements.yaml')).toThrow('requirements.yaml:3:5: schema: unknown key "levle" at requirements.0');
    writeFileSync(f, 'requirements:\n  - id: X-001\n    level: MUST\n');
    expect(loadCatalog(f).requirements.map((r) => r.level)).toEqual(['MUST']);
  });
});

describe('requirement IDs for the scenario loader', () => {
  it('are the catalog IDs with their levels as written', () => {
    const f = catalogFile(TEXT);
    const ids = loadRequirementIds(f);
    expect([...ids]).toEqual(['T-001', 'T-002', 'T-003']);
    expect(ids.levels?.get('T-001')).toBe('MUST (S)');
    expect(ids.levels?.has('T-003') && ids.levels.get('T-003')).toBeUndefined();
    // A fresh set each call: a caller's change does not reach the next one.
    ids.add('MINE-001');
    expect(loadRequirementIds(f).has('MINE-001')).toBe(false);
  });

  it('come from the same catalog as coverage: the bundled one gives every ID once', () => {
    const path = join(SUITES_DIR, '_catalog', 'requirements.yaml');
    const c = loadCatalog(path);
    expect([...requirementIds(c)]).toEqual(c.requirements.map((r) => r.id));
    expect(loadRequirementIds(path).size).toBe(c.requirements.length);
  });

  it('reject a catalog the schema rejects, at file:line:col', () => {
    const f = catalogFile('requirements:\n  - { id: X-001, section: "9" }\n');
    let err: unknown;
    try {
      loadRequirementIds(f);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(`${f}:2:27: unknown section "9" (sections: none)`);
  });
});
