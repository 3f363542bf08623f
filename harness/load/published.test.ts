/** The frozen list of published check IDs: every declared check published, every published ID still a check or aliased to one, baselines following aliases. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublished, publishedProblems, resolvePublished, withNewChecksPublished, type PublishedChecks } from './published.js';
import { loadBaseline } from './baseline.js';
import { loadSuite } from './loader.js';
import { SUITES_DIR } from '../model/paths.js';

function tempFile(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'msc-published-')), name);
  writeFileSync(f, text);
  return f;
}

describe('suites/_catalog/published-checks.yaml', () => {
  it('lists every declared check, and every listed ID is a check or aliased to one (npm run gen publishes new checks)', () => {
    const current = new Set(loadSuite(SUITES_DIR).flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`)));
    const published = loadPublished();
    expect(publishedProblems(published, current)).toEqual([]);
  });
});

describe('publishedProblems', () => {
  const current = new Set(['a.b/one', 'a.b/two-renamed', 'a.c/three']);
  const list = (checks: string[], aliases: Record<string, string> = {}): PublishedChecks => ({ checks, aliases });

  it('a published ID that is no longer a check needs an alias', () => {
    expect(publishedProblems(list(['a.b/one', 'a.b/two', 'a.b/two-renamed', 'a.c/three']), current)).toEqual([
      'a.b/two was published but is no longer a check: add an alias "a.b/two: <new-id>" under aliases',
    ]);
    expect(publishedProblems(list(['a.b/one', 'a.b/two', 'a.b/two-renamed', 'a.c/three'], { 'a.b/two': 'a.b/two-renamed' }), current)).toEqual([]);
  });

  it('an alias must lead to a current check (chains are followed), and may not hide a current one', () => {
    const all = ['a.b/one', 'a.b/zero', 'a.b/two', 'a.b/two-renamed', 'a.c/three'];
    expect(publishedProblems(list(all, { 'a.b/zero': 'a.b/two', 'a.b/two': 'a.b/two-renamed' }), current)).toEqual([]);
    expect(publishedProblems(list(all, { 'a.b/zero': 'a.b/gone', 'a.b/two': 'a.b/two-renamed' }), current)).toEqual([
      'a.b/zero is aliased to a.b/gone, which leads to no current check',
    ]);
    expect(publishedProblems(list(all, { 'a.b/zero': 'a.b/two', 'a.b/two': 'a.b/two-renamed', 'a.b/one': 'a.c/three' }), current)).toEqual([
      'a.b/one is still a check but has an alias (to a.c/three): remove the alias',
    ]);
  });

  it('a declared check that is not listed is unpublished', () => {
    expect(publishedProblems(list(['a.b/one', 'a.b/two-renamed']), current)).toEqual(['a.c/three is declared but not published: run npm run gen']);
  });
});

describe('resolvePublished', () => {
  it('follows chains and gives up on loops and dead ends', () => {
    const current = new Set(['x.y/new']);
    expect(resolvePublished('x.y/new', {}, current)).toBe('x.y/new');
    expect(resolvePublished('x.y/old', { 'x.y/old': 'x.y/mid', 'x.y/mid': 'x.y/new' }, current)).toBe('x.y/new');
    expect(resolvePublished('x.y/old', { 'x.y/old': 'x.y/mid', 'x.y/mid': 'x.y/old' }, current)).toBeUndefined();
    expect(resolvePublished('x.y/old', { 'x.y/old': 'x.y/gone' }, current)).toBeUndefined();
  });
});

describe('withNewChecksPublished', () => {
  it('appends unlisted IDs in suite order, keeps comments and aliases, and changes nothing when all are listed', () => {
    const text = '# frozen\nchecks:\n  - a.b/one # first\naliases:\n  a.b/old: a.b/one\n';
    const out = withNewChecksPublished(text, ['a.b/one', 'a.c/two', 'a.c/three']);
    expect(out).toBe('# frozen\nchecks:\n  - a.b/one # first\n  - a.c/two\n  - a.c/three\naliases:\n  a.b/old: a.b/one\n');
    expect(withNewChecksPublished(out, ['a.c/three', 'a.b/one'])).toBe(out);
  });

  it('turns an empty flow list into a block list', () => {
    expect(withNewChecksPublished('checks: []\naliases: {}\n', ['a.b/one'])).toBe('checks:\n  - a.b/one\naliases: {}\n');
  });
});

describe('loadPublished', () => {
  it('rejects an alias for an ID that was never published, at its position', () => {
    const f = tempFile('published-checks.yaml', 'checks:\n  - a.b/one\naliases:\n  a.b/never: a.b/one\n');
    expect(() => loadPublished(f)).toThrow(/published-checks\.yaml:4:3: alias for "a\.b\/never", which is not a published check/);
  });

  it('rejects an ID that is not fully qualified', () => {
    const f = tempFile('published-checks.yaml', 'checks:\n  - just-a-slug\n');
    expect(() => loadPublished(f)).toThrow(/published-checks\.yaml:2:5: schema: at checks\.0: must match pattern/);
  });
});

describe('baselines follow aliases', () => {
  const known = new Set(['http.session.x/new-name', 'http.session.x/other']);
  const aliases = { 'http.session.x/old-name': 'http.session.x/new-name' };

  it('an entry naming a renamed published ID applies to the check that replaced it', () => {
    const f = tempFile('baseline.yaml', 'expected:\n  - check: http.session.x/old-name\n    verdict: fail\n  - check: http.session.x/other\n    verdict: warn\n');
    expect(loadBaseline(f, known, aliases).map((e) => e.check)).toEqual(['http.session.x/new-name', 'http.session.x/other']);
  });

  it('an ID that is neither a check nor aliased is still an unknown check', () => {
    const f = tempFile('baseline.yaml', 'expected:\n  - check: http.session.x/old-name\n    verdict: fail\n');
    expect(() => loadBaseline(f, known, {})).toThrow(/baseline\.yaml:2:12: unknown check "http\.session\.x\/old-name"/);
  });

  it('by default the bundled aliases are used, and current IDs load unchanged', () => {
    const f = tempFile('baseline.yaml', 'expected:\n  - check: http.session.x/other\n    verdict: warn\n');
    expect(loadBaseline(f, known).map((e) => e.check)).toEqual(['http.session.x/other']);
  });
});
