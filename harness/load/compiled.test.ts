/**
 * The compiled suite: what it gives is what the YAML gives (deep equal,
 * scenarios and catalog), a changed input makes it unusable (the loader then
 * reads the YAML), and the build step writes it once and then finds it current.
 */
import { describe, it, expect } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSuite, readCompiledSuite, suiteDigest } from './compiled.js';
import { writeCompiledSuite } from './compile-suite.js';
import { loadSuite, loadSuiteFromYaml, ScenarioError } from './loader.js';
import { loadCatalog } from './catalog.js';
import { SUITES_DIR } from '../model/paths.js';

const catalogOf = (root: string) => join(root, '_catalog', 'requirements.yaml');

describe('compiled suite', () => {
  it('gives the same scenarios and catalog as the YAML (deep equal)', () => {
    const scenarios = loadSuiteFromYaml(SUITES_DIR);
    const catalog = loadCatalog(catalogOf(SUITES_DIR));
    const file = join(mkdtempSync(join(tmpdir(), 'msc-compiled-')), 'suite.compiled.json');
    writeFileSync(file, JSON.stringify(compileSuite(scenarios, catalog, suiteDigest(SUITES_DIR))));
    const compiled = readCompiledSuite(SUITES_DIR, file);
    expect(compiled).toBeDefined();
    expect(compiled!.scenarios).toEqual(scenarios);
    expect(compiled!.catalog).toEqual(catalog);
    expect(compiled!.scenarios.length).toBeGreaterThan(10);
  });

  it('a changed YAML file makes it stale: not used, and the YAML (with its file:line:col errors) is read instead', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'msc-compiled-suite-')), 'suites');
    cpSync(SUITES_DIR, root, { recursive: true });
    const file = join(root, '..', 'suite.compiled.json');
    expect(writeCompiledSuite(root, file)).toBe('written');
    expect(writeCompiledSuite(root, file)).toBe('current');
    expect(readCompiledSuite(root, file)).toBeDefined();
    const scenario = loadSuiteFromYaml(root)[0]!;
    appendFileSync(scenario.path, '# changed\n');
    expect(readCompiledSuite(root, file)).toBeUndefined();
    // A broken file is reported from the YAML, at its position.
    appendFileSync(scenario.path, 'steps: [\n');
    expect(() => loadSuite(root)).toThrow(ScenarioError);
    expect(() => loadSuite(root)).toThrow(new RegExp(`^${scenario.file.replace(/[.]/g, '\\.')}:\\d+:\\d+: invalid YAML`));
    // The build step refuses to write a compiled file for an invalid suite, and leaves no stale one behind.
    expect(() => writeCompiledSuite(root, file)).toThrow(ScenarioError);
    expect(readCompiledSuite(root, file)).toBeUndefined();
  });

  it('a missing or foreign file is not used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msc-compiled-none-'));
    expect(readCompiledSuite(SUITES_DIR, join(dir, 'absent.json'))).toBeUndefined();
    writeFileSync(join(dir, 'foreign.json'), JSON.stringify({ format: 'something-else', digest: suiteDigest(SUITES_DIR), scenarios: [] }));
    expect(readCompiledSuite(SUITES_DIR, join(dir, 'foreign.json'))).toBeUndefined();
    writeFileSync(join(dir, 'torn.json'), '{"format":');
    expect(readCompiledSuite(SUITES_DIR, join(dir, 'torn.json'))).toBeUndefined();
  });
});
