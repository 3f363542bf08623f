/**
 * Build step (`npm run build`, `npm start`): writes the compiled bundled
 * suite (`compiled.ts`) to `dist/suite.compiled.json` from the YAML under
 * `suites/`. Does nothing when the file there already has the current
 * digest. Run: `node dist/harness/load/compile-suite.js`; prints one line
 * when it wrote the file, nothing when it was current.
 * Exit codes: 0 written or current; 2 the suite is invalid (the loader's
 * file:line:col message; no file is written, so runs load the YAML and say
 * the same).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSuiteFromYaml, ScenarioError } from './loader.js';
import { loadCatalog } from './catalog.js';
import { COMPILED_SUITE_PATH, compileSuite, readCompiledSuite, suiteDigest } from './compiled.js';
import { SUITES_DIR } from '../model/paths.js';
import { isEntryModule } from '../util/entry.js';

/**
 * Writes the compiled suite of `suiteRoot` to `file` unless it is current.
 * @returns `written` or `current`
 * @throws ScenarioError for an invalid suite (the stale file, if any, is removed first)
 */
export function writeCompiledSuite(suiteRoot: string = SUITES_DIR, file: string = COMPILED_SUITE_PATH): 'written' | 'current' {
  if (readCompiledSuite(suiteRoot, file)) return 'current';
  rmSync(file, { force: true });
  const digest = suiteDigest(suiteRoot);
  const catalogPath = join(suiteRoot, '_catalog', 'requirements.yaml');
  const compiled = compileSuite(loadSuiteFromYaml(suiteRoot, catalogPath), loadCatalog(catalogPath), digest);
  mkdirSync(dirname(file), { recursive: true });
  // Written whole, then renamed: a run never reads half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(compiled));
  renameSync(tmp, file);
  return 'written';
}

if (isEntryModule(import.meta.url)) {
  try {
    if (writeCompiledSuite() === 'written') process.stdout.write(`compiled suite written: ${COMPILED_SUITE_PATH}\n`);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    process.stderr.write(`compile-suite: invalid scenario: ${e.message}\n`);
    process.exitCode = 2;
  }
}
