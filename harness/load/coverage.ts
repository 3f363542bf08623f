/**
 * Requirement coverage: for each in-scope ID of the requirement catalog, the
 * checks citing it, or its written exclusion, or neither.
 *
 * Inputs (all validated, errors located at file:line:col):
 * - the catalog `suites/_catalog/requirements.yaml`, loaded by `./catalog.ts`
 *   (`sections` with their scope, requirements with `section`, `level`,
 *   `versions`, `source`; re-exported here);
 * - the scenarios (their checks' `requirements`);
 * - `exclusions.yaml` beside the catalog (`schemas/exclusions.schema.json`):
 *   `{ id, reason, note }` for in-scope IDs deliberately left without a check.
 *
 * `node dist/harness/load/coverage.js` prints `docs/coverage.md` (a test keeps the
 * committed file in sync); `mcp-session-conformance --coverage` prints the
 * same tables for the selected suite.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { schemaValidator } from '../model/json-schema.js';
import type { Scenario } from '../model/scenario.js';
import { loadSuite } from './loader.js';
import { fail, parseYaml, validate } from './source.js';
import { inScope, loadCatalog, type Catalog, type CatalogRequirement, type CatalogSection } from './catalog.js';
import { SUITES_DIR } from '../model/paths.js';
import { isEntryModule } from '../util/entry.js';

export { inScope, loadCatalog, type Catalog, type CatalogRequirement, type CatalogSection } from './catalog.js';

/** Why an in-scope requirement has no check (meanings in `schemas/exclusions.schema.json`). */
export type ExclusionReason = 'client-obligation' | 'untestable-black-box' | 'needs-target-cooperation' | 'needs-auth' | 'stdio-only';

/** A written reason for leaving an in-scope requirement without a check. */
export interface Exclusion {
  id: string;
  reason: ExclusionReason;
  /** One sentence on why. */
  note: string;
}

/** `checked`: some check cites the ID; `excluded`: an exclusion names it; `uncovered`: neither. */
export type CoverageStatus = 'checked' | 'excluded' | 'uncovered';

/** Coverage of one in-scope requirement. */
export interface CoverageRow {
  id: string;
  /** The catalog's title (what the requirement demands); empty when it gives none. */
  title: string;
  level: string;
  versions: string;
  /** The level contains MUST or SHOULD (`isMustOrShould`): the coverage test requires a check or an exclusion. */
  mustOrShould: boolean;
  status: CoverageStatus;
  /** Fully qualified IDs (`<scenario-id>/<check-slug>`) of the checks citing it, in suite order. */
  checks: string[];
  /** Present when `status` is `excluded`. */
  exclusion?: Exclusion;
}

/** Coverage of a catalog by a suite. */
export interface Coverage {
  /** In-scope sections in catalog order (a trailing `undefined` section holds unsectioned IDs), with their rows in catalog order. */
  sections: Array<{ section: CatalogSection | undefined; rows: CoverageRow[] }>;
  /** Out-of-scope sections with the IDs they hold. */
  outOfScope: Array<{ section: CatalogSection; ids: string[] }>;
}

/**
 * Whether a catalog level text states a MUST or SHOULD obligation, for anyone:
 * the upper-case keywords MUST or SHOULD as words anywhere in it (`MUST NOT (C)`,
 * `MAY (S) / SHOULD NOT (C)`, `SHOULD (11-05, 03-26) → **MUST (06-18+)**`,
 * `convention: SHOULD in 03-26+`). Lower-case advice (`"should" (lower case, advice)`),
 * `MAY`, `U`, `guidance`, `spec statement`, `removed` and the like are not.
 */
export function isMustOrShould(level: string): boolean {
  return /(?<![A-Za-z])(MUST|SHOULD)(?![A-Za-z])/.test(level);
}

/** Requirement ID → fully qualified IDs of the checks citing it, in suite order. */
export function checksByRequirement(scenarios: Scenario[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of scenarios) {
    for (const c of s.checks) {
      for (const r of c.requirements) {
        const list = out.get(r) ?? [];
        if (!list.includes(`${s.id}/${c.id}`)) list.push(`${s.id}/${c.id}`);
        out.set(r, list);
      }
    }
  }
  return out;
}

/**
 * Loads and validates an exclusions file against `catalog` and the checks.
 * @param checks requirement ID → citing checks (`checksByRequirement`)
 * @param display the path as shown in messages (defaults to `path`)
 * @throws ScenarioError (file:line:col) for invalid YAML, schema errors (unknown keys, reason codes
 *   outside the fixed set, missing note), IDs not in the catalog or out of scope, duplicates, and IDs
 *   that a check cites (an excluded requirement must have no check)
 */
export function loadExclusions(path: string, catalog: Catalog, checks: Map<string, string[]>, display = path): Exclusion[] {
  const p = parseYaml(path, display);
  validate(p, schemaValidator('exclusions.schema.json'));
  const list = (p.data as { exclusions: Exclusion[] }).exclusions;
  const byId = new Map(catalog.requirements.map((r) => [r.id, r]));
  const seen = new Set<string>();
  list.forEach((e, i) => {
    const at = ['exclusions', i, 'id'];
    const r = byId.get(e.id);
    if (!r) fail(p, at, `unknown requirement ID "${e.id}" (not in ${catalog.file})`);
    if (seen.has(e.id)) fail(p, at, `"${e.id}" is excluded twice`);
    seen.add(e.id);
    if (!inScope(catalog, r)) {
      const s = catalog.sections.find((x) => x.id === r.section);
      fail(p, at, `"${e.id}" is in section ${r.section}, which is out of scope (${s?.reason ?? 'no reason given'}); it needs no exclusion`);
    }
    const citing = checks.get(e.id);
    if (citing?.length) fail(p, at, `"${e.id}" is excluded but checked by ${citing.join(', ')}; remove the exclusion`);
  });
  return list;
}

/**
 * Computes coverage. Pure. A requirement both cited and excluded counts as
 * `checked` (`loadExclusions` rejects that combination).
 */
export function computeCoverage(catalog: Catalog, scenarios: Scenario[], exclusions: Exclusion[]): Coverage {
  const checks = checksByRequirement(scenarios);
  const excluded = new Map(exclusions.map((e) => [e.id, e]));
  const row = (r: CatalogRequirement): CoverageRow => {
    const cited = checks.get(r.id) ?? [];
    const ex = excluded.get(r.id);
    const status: CoverageStatus = cited.length ? 'checked' : ex ? 'excluded' : 'uncovered';
    return {
      id: r.id,
      title: r.title,
      level: r.level,
      versions: r.versions,
      mustOrShould: isMustOrShould(r.level),
      status,
      checks: cited,
      ...(status === 'excluded' ? { exclusion: ex! } : {}),
    };
  };
  const sections: Coverage['sections'] = [];
  const outOfScope: Coverage['outOfScope'] = [];
  for (const s of catalog.sections) {
    const members = catalog.requirements.filter((r) => r.section === s.id);
    if (s.scope === 'in') sections.push({ section: s, rows: members.map(row) });
    else outOfScope.push({ section: s, ids: members.map((r) => r.id) });
  }
  const loose = catalog.requirements.filter((r) => r.section === undefined);
  if (loose.length) sections.push({ section: undefined, rows: loose.map(row) });
  return { sections, outOfScope };
}

/** All in-scope rows, in catalog section order. */
export function coverageRows(c: Coverage): CoverageRow[] {
  return c.sections.flatMap((s) => s.rows);
}

/** In-scope MUST/SHOULD requirements with neither a check nor an exclusion. */
export function uncoveredMustShould(c: Coverage): CoverageRow[] {
  return coverageRows(c).filter((r) => r.mustOrShould && r.status === 'uncovered');
}

/** One line of counts, e.g. `in scope: 112 IDs (71 MUST/SHOULD): 14 checked, 22 excluded, 76 uncovered (49 of them MUST/SHOULD); out of scope: 51 IDs`. */
export function coverageSummary(c: Coverage): string {
  const rows = coverageRows(c);
  const n = (st: CoverageStatus) => rows.filter((r) => r.status === st).length;
  const out = c.outOfScope.reduce((a, s) => a + s.ids.length, 0);
  const sections = c.outOfScope.map((s) => s.section.id).join(', ');
  return (
    `in scope: ${rows.length} IDs (${rows.filter((r) => r.mustOrShould).length} MUST/SHOULD): ` +
    `${n('checked')} checked, ${n('excluded')} excluded, ${n('uncovered')} uncovered (${uncoveredMustShould(c).length} of them MUST/SHOULD); ` +
    `out of scope: ${out} IDs${sections ? ` (sections ${sections})` : ''}`
  );
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Markdown: a table per in-scope section (ID, title, level, versions, MUST/SHOULD, status, checks or exclusion), then the out-of-scope sections. */
export function coverageTables(c: Coverage): string {
  const parts: string[] = [];
  for (const { section, rows } of c.sections) {
    parts.push(section ? `## Section ${section.id}: ${section.title}` : '## Requirements without a section');
    const lines = ['| ID | title | level | versions | MUST/SHOULD | status | checks, or why excluded |', '|---|---|---|---|---|---|---|'];
    for (const r of rows) {
      const what = r.status === 'checked' ? r.checks.map((x) => `\`${x}\``).join(', ') : r.exclusion ? `${r.exclusion.reason}: ${r.exclusion.note}` : '';
      lines.push(`| ${r.id} | ${cell(r.title)} | ${cell(r.level)} | ${cell(r.versions)} | ${r.mustOrShould ? 'yes' : 'no'} | ${r.status} | ${cell(what)} |`);
    }
    parts.push(lines.join('\n'));
  }
  if (c.outOfScope.length) {
    parts.push('## Out of scope');
    const lines = ['| section | IDs | why |', '|---|---|---|'];
    for (const { section, ids } of c.outOfScope) {
      const range = ids.length ? `${ids.length} (${ids[0]}…${ids[ids.length - 1]})` : '0';
      lines.push(`| ${section.id}: ${cell(section.title)} | ${range} | ${cell(section.reason ?? '')} |`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n');
}

/** The committed `docs/coverage.md`: a short introduction, the summary line and `coverageTables`. */
export function coverageDocument(c: Coverage): string {
  return [
    '# Requirement coverage',
    'Which requirements of the catalog ([`suites/_catalog/requirements.yaml`](../suites/_catalog/requirements.yaml)) ' +
      'the suite checks. Generated by `node dist/harness/load/coverage.js > docs/coverage.md` from the catalog, the scenarios and ' +
      '[`suites/_catalog/exclusions.yaml`](../suites/_catalog/exclusions.yaml); a test keeps this file in sync, and ' +
      '`mcp-session-conformance --coverage` prints the same tables for any suite.',
    '- **checked**: at least one check cites the ID (listed as `<scenario-id>/<check-slug>`).\n' +
      '- **excluded**: deliberately no check; the reason code and a note say why (`client-obligation`: a rule for the client that the suite follows itself; ' +
      '`untestable-black-box`: not observable from outside; `needs-target-cooperation`: needs server behaviour no request or target-contract tool can trigger; ' +
      '`needs-auth`: needs an authorization set-up; `stdio-only`: concerns stdio only).\n' +
      '- **uncovered**: neither. An uncovered ID whose level states a MUST or SHOULD (column MUST/SHOULD) fails the coverage test.' +
      (c.outOfScope.length ? `\n- Catalog sections ${c.outOfScope.map((o) => o.section.id).join(', ')} are out of scope; the last table says why.` : ''),
    `Summary — ${coverageSummary(c)}.`,
    coverageTables(c),
  ].join('\n\n');
}

/** Path of the exclusions file that belongs to a catalog: `exclusions.yaml` in the catalog's folder. */
export function exclusionsPathFor(catalogPath: string): string {
  return join(dirname(catalogPath), 'exclusions.yaml');
}

/**
 * Loads the catalog and its exclusions (when `exclusions.yaml` exists beside
 * it) and computes the coverage of `scenarios`.
 * @throws ScenarioError for an invalid catalog or exclusions file
 */
export function loadCoverage(catalogPath: string, scenarios: Scenario[]): Coverage {
  const catalog = loadCatalog(catalogPath);
  const exPath = exclusionsPathFor(catalogPath);
  const exclusions = existsSync(exPath) ? loadExclusions(exPath, catalog, checksByRequirement(scenarios)) : [];
  return computeCoverage(catalog, scenarios, exclusions);
}

/** Coverage of the bundled suite by its own catalog and exclusions. */
export function bundledCoverage(): Coverage {
  return loadCoverage(join(SUITES_DIR, '_catalog', 'requirements.yaml'), loadSuite(SUITES_DIR));
}

if (isEntryModule(import.meta.url)) {
  try {
    process.stdout.write(`${coverageDocument(bundledCoverage())}\n`);
  } catch (e) {
    // A bad catalog, exclusion or scenario is named by file:line:col; no stack trace.
    process.stderr.write(`coverage: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
