/**
 * The requirement catalog (`suites/_catalog/requirements.yaml`, format
 * `schemas/requirements.schema.json`), read in one place for everyone who
 * needs it: the scenario loader (which IDs a check may cite, and their levels
 * for the level cross-check) and the coverage tables (sections, scope,
 * levels, versions).
 *
 * A catalog holds `sections` (`scope: in | out`, an out section with its
 * `reason`) and `requirements` (`id`, and optionally `title`, `section`,
 * `level`, `versions`, `source`); an entry without `section` counts as in
 * scope, so a custom suite may keep a bare list of IDs. The bundled catalog
 * titles every entry (`catalog.test.ts` holds it to that).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { schemaValidator } from '../model/json-schema.js';
import type { RequirementInfo } from '../model/results.js';
import { fail, parseYaml, validate } from './source.js';

/** A section of the catalog (`1`, `6.7`, …); only `scope: in` sections are held to account. */
export interface CatalogSection {
  id: string;
  title: string;
  scope: 'in' | 'out';
  /** Why an out-of-scope section is out (present exactly when `scope` is `out`). */
  reason?: string;
}

/** One requirement of the catalog, its fields as the catalog states them. */
export interface CatalogRequirement {
  id: string;
  /** What the requirement demands, one short line (at most 110 characters, plain text), e.g. `A response has exactly one of result and error`; empty when not given. */
  title: string;
  /** A `CatalogSection.id`; absent: in scope, listed under no section. */
  section?: string;
  /** Level text, e.g. `MUST (S)`, `SHOULD (11-05, 03-26) → MUST (06-18+)`, `U`, `guidance`; empty when not given. */
  level: string;
  /** Revisions the requirement applies to, as text (`03-26→11-25`, `all`, …); empty when not given. */
  versions: string;
  /** Spec anchor; empty when not given. */
  source: string;
}

/** The loaded requirement catalog. Shared between callers (cached): frozen, not to be modified. */
export interface Catalog {
  /** Path as shown in messages. */
  file: string;
  sections: readonly CatalogSection[];
  /** In catalog order. */
  requirements: readonly CatalogRequirement[];
  /** Requirement ID → its level text as the catalog writes it; `undefined` when the entry gives no `level` (unlike `CatalogRequirement.level`, which is then empty). */
  levels: ReadonlyMap<string, string | undefined>;
}

/** Requirement IDs a suite may cite; `levels` (ID → the catalog's level text, when it gives one) lets the loader cross-check check levels. */
export type RequirementIds = Set<string> & { levels?: ReadonlyMap<string, string | undefined> };

/** Loaded catalogs by resolved path and display name, with the file's stamp when read. */
const cache = new Map<string, { stamp: string; catalog: Catalog }>();

/** Modification time, size and inode of a file, or undefined when it cannot be stat'ed. */
function stampOf(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Loads and validates a requirement catalog. Read once per path: later calls
 * return the same (frozen) catalog while the file is unchanged (same
 * modification time, size and inode); an invalid file is read again each
 * time.
 * @param display the path as shown in messages (defaults to `path`)
 * @throws ScenarioError (file:line:col) for an unreadable file, invalid YAML, schema errors,
 *   duplicate section or requirement IDs, unknown sections
 */
export function loadCatalog(path: string, display = path): Catalog {
  const key = `${resolve(path)}\n${display}`;
  // Stamped before reading: a change during the read makes the next call read again.
  const stamp = stampOf(path);
  const hit = cache.get(key);
  if (hit && stamp !== undefined && hit.stamp === stamp) return hit.catalog;
  const catalog = readCatalog(path, display);
  if (stamp !== undefined) cache.set(key, { stamp, catalog });
  return catalog;
}

/**
 * Makes `catalog` what {@link loadCatalog} returns for `path` while the file
 * stays unchanged: for a catalog taken from the compiled suite
 * (`compiled.ts`), whose digest already vouched for the file's content.
 */
export function rememberCatalog(path: string, catalog: Catalog, display = path): void {
  const stamp = stampOf(path);
  if (stamp !== undefined) cache.set(`${resolve(path)}\n${display}`, { stamp, catalog });
}

/** Reads, validates and freezes one catalog. @throws ScenarioError as `loadCatalog` */
function readCatalog(path: string, display: string): Catalog {
  const p = parseYaml(path, display);
  validate(p, schemaValidator('requirements.schema.json'));
  const raw = p.data as { sections?: CatalogSection[]; requirements: Array<Partial<CatalogRequirement> & { id: string }> };
  const sections = raw.sections ?? [];
  const sectionIds = new Set<string>();
  sections.forEach((s, i) => {
    if (sectionIds.has(s.id)) fail(p, ['sections', i, 'id'], `duplicate section id "${s.id}"`);
    sectionIds.add(s.id);
  });
  const ids = new Set<string>();
  const requirements = raw.requirements.map((r, i): CatalogRequirement => {
    if (ids.has(r.id)) fail(p, ['requirements', i, 'id'], `duplicate requirement id "${r.id}"`);
    ids.add(r.id);
    if (r.section !== undefined && !sectionIds.has(r.section))
      fail(p, ['requirements', i, 'section'], `unknown section "${r.section}" (sections: ${[...sectionIds].join(', ') || 'none'})`);
    return Object.freeze({ id: r.id, title: r.title ?? '', ...(r.section !== undefined ? { section: r.section } : {}), level: r.level ?? '', versions: r.versions ?? '', source: r.source ?? '' });
  });
  return Object.freeze({
    file: display,
    sections: Object.freeze(sections.map((s) => Object.freeze(s))),
    requirements: Object.freeze(requirements),
    levels: new Map(raw.requirements.map((r) => [r.id, r.level])),
  });
}

/** Whether `r` is in scope: it has no section, or its section's scope is `in`. */
export function inScope(catalog: Catalog, r: CatalogRequirement): boolean {
  if (r.section === undefined) return true;
  return catalog.sections.find((s) => s.id === r.section)?.scope === 'in';
}

/** The IDs of a catalog (a new set each call), with `levels` as the catalog writes them. */
export function requirementIds(catalog: Catalog): RequirementIds {
  return Object.assign(new Set(catalog.requirements.map((r) => r.id)), { levels: catalog.levels });
}

/**
 * The catalog's entry (title, level, source) for each requirement ID that
 * `checks` cite, keyed by ID in catalog order: what a run records in
 * `RunResults.requirements`. IDs the catalog lacks are left out. Never throws.
 */
export function citedRequirements(catalog: Catalog, checks: ReadonlyArray<{ requirements: readonly string[] }>): Record<string, RequirementInfo> {
  const cited = new Set(checks.flatMap((c) => c.requirements));
  return Object.fromEntries(catalog.requirements.filter((r) => cited.has(r.id)).map((r) => [r.id, { title: r.title, level: r.level, source: r.source }]));
}
