/**
 * The compiled bundled suite: the validated Scenario models and the
 * requirement catalog of `suites/`, written once at build time
 * (`npm run build` runs `compile-suite.js`) to `dist/suite.compiled.json`,
 * so that a run does not parse and validate ~40 YAML files with positions
 * every time it starts.
 *
 * The file carries a content digest of everything the models were made
 * from: every file under `suites/`, every JSON Schema under `schemas/`, and
 * the compiled loader, model and probe code (`dist/harness/{load,model,probes}`:
 * the loader validates probe parameters).
 * A run uses it only for the bundled suite root and only when the digest of
 * those inputs, recomputed at load (reading and hashing them, no parsing),
 * still matches; otherwise the YAML is loaded as before, with the same
 * file:line:col errors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../model/scenario.js';
import { PACKAGE_ROOT, SCHEMAS_DIR, SUITES_DIR } from '../model/paths.js';
import type { Catalog } from './catalog.js';

/** Where the build writes the compiled suite. */
export const COMPILED_SUITE_PATH = join(PACKAGE_ROOT, 'dist', 'suite.compiled.json');

/** Format tag of the compiled file (a reader ignores any other). */
export const COMPILED_FORMAT = 'mcp-session-conformance.compiled-suite/1';

/** The compiled file: scenarios without their absolute `path` (rebuilt from `file` at load), and the catalog. */
export interface CompiledSuite {
  format: typeof COMPILED_FORMAT;
  /** sha256 (hex) over the inputs, see {@link suiteDigest}. */
  digest: string;
  scenarios: Array<Omit<Scenario, 'path'>>;
  /** The requirement catalog (`_catalog/requirements.yaml`), its `levels` map as entries. */
  catalog: Omit<Catalog, 'levels'> & { levels: Array<[string, string | undefined]> };
}

/** Folders of the code that turns YAML into models (the running copies: `dist/harness/{load,model,probes}` after a build). */
const HERE = dirname(fileURLToPath(import.meta.url));
const CODE_DIRS = [HERE, join(HERE, '..', 'model'), join(HERE, '..', 'probes')];

function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files(full, keep, out);
    else if (keep(name)) out.push(full);
  }
  return out;
}

/**
 * sha256 (hex) over the inputs of the bundled suite's models: every file
 * under `suiteRoot` (macros, catalogs and scenarios), every `.json` under
 * `schemas/`, and the loader, model and probe code (`.js` or `.ts`, tests
 * and declarations excluded), each as its path relative to the package root
 * and its bytes.
 */
export function suiteDigest(suiteRoot: string = SUITES_DIR): string {
  const h = createHash('sha256');
  const inputs = [
    ...files(suiteRoot, () => true),
    ...files(SCHEMAS_DIR, (n) => n.endsWith('.json')),
    ...CODE_DIRS.flatMap((d) => files(d, (n) => /\.(js|ts)$/.test(n) && !/\.test\.(js|ts)$/.test(n) && !n.endsWith('.d.ts'))),
  ];
  for (const f of inputs) {
    h.update(relative(PACKAGE_ROOT, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The compiled form of loaded models (scenarios lose `path`; the catalog's map becomes entries). */
export function compileSuite(scenarios: Scenario[], catalog: Catalog, digest: string): CompiledSuite {
  return {
    format: COMPILED_FORMAT,
    digest,
    scenarios: scenarios.map(({ path: _path, ...rest }) => rest),
    catalog: { ...catalog, sections: [...catalog.sections], requirements: [...catalog.requirements], levels: [...catalog.levels] },
  };
}

/** What a usable compiled file gives: the scenarios (with `path` under `suiteRoot`) and the catalog. */
export interface LoadedCompiled {
  scenarios: Scenario[];
  catalog: Catalog;
}

/**
 * The compiled suite of `suiteRoot` in `file`, when it applies: `file`
 * exists, is of this format, and its digest equals the digest of the
 * current inputs under `suiteRoot`. Undefined otherwise (the caller loads
 * the YAML). Never throws for a missing, unreadable or stale file.
 * (`loadSuite` asks only for the bundled `suites/` with its own catalog.)
 */
export function readCompiledSuite(suiteRoot: string = SUITES_DIR, file: string = COMPILED_SUITE_PATH): LoadedCompiled | undefined {
  if (!existsSync(file)) return undefined;
  let c: CompiledSuite;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as CompiledSuite;
  } catch {
    return undefined;
  }
  if (c?.format !== COMPILED_FORMAT || c.digest !== suiteDigest(suiteRoot)) return undefined;
  const catalog: Catalog = Object.freeze({
    ...c.catalog,
    sections: Object.freeze(c.catalog.sections.map((s) => Object.freeze(s))),
    requirements: Object.freeze(c.catalog.requirements.map((r) => Object.freeze(r))),
    levels: new Map(c.catalog.levels),
  });
  return { scenarios: c.scenarios.map((s) => ({ ...s, path: join(suiteRoot, s.file) })), catalog };
}
