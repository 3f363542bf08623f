#!/usr/bin/env node
/**
 * `npm run gen` (first half): rewrites every generated document of the
 * project from the scenarios and the catalogs — the README checks table
 * (between `<!-- checks:begin -->` and `<!-- checks:end -->`), the README
 * reason-code table (between `<!-- reasons:begin -->` and
 * `<!-- reasons:end -->`, from `suites/_catalog/reasons.yaml`), the README
 * stdio example (between `<!-- stdio-example:begin -->` and
 * `<!-- stdio-example:end -->`: the stable lines of a real run of the built
 * CLI against server-memory, see stdio-example.ts; tens of seconds),
 * `schemas/reasons.schema.json` (the enum of reason codes the scenario
 * schema accepts) and `docs/coverage.md`; and it publishes newly declared
 * checks by appending their IDs to `suites/_catalog/published-checks.yaml`.
 * The tests fail when any is stale.
 * (`npm run gen` then updates the verdict snapshots with vitest.)
 *
 * Exit codes: 0 written (or already current); 2 the README markers are
 * missing, or a scenario, catalog or exclusion file is invalid (named
 * file:line:col).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksTable } from './checks-table.js';
import { bundledCoverage, coverageDocument } from '../load/coverage.js';
import { loadSuite } from '../load/loader.js';
import { PACKAGE_ROOT, SUITES_DIR } from '../model/paths.js';
import { isEntryModule } from '../util/entry.js';
import { forgetSchemas } from '../model/json-schema.js';
import { loadReasonCatalog, reasonsSchemaText, reasonsTable } from '../load/reasons.js';
import { withNewChecksPublished } from '../load/published.js';
import { runStdioExample, stdioExampleSection } from './stdio-example.js';

/** The README text with its checks table replaced; throws when the markers are missing. */
export function withChecksTable(readme: string, table: string): string {
  const re = /(<!-- checks:begin -->\n)[\s\S]*?(\n<!-- checks:end -->)/;
  if (!re.test(readme)) throw new Error('README.md has no <!-- checks:begin --> … <!-- checks:end --> markers');
  return readme.replace(re, (_m, a: string, b: string) => `${a}${table}${b}`);
}

/**
 * The README text with the section between `<!-- NAME:begin -->` and
 * `<!-- NAME:end -->` (each on a line of its own) replaced by `text`.
 * @throws Error when the markers are missing
 */
export function withSection(readme: string, name: string, text: string): string {
  const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`);
  if (!re.test(readme)) throw new Error(`README.md has no <!-- ${name}:begin --> … <!-- ${name}:end --> markers`);
  return readme.replace(re, (_m, a: string, b: string) => `${a}${text}${b}`);
}

/** Writes `path` when its text differs; returns whether it did. */
function writeIfChanged(path: string, text: string): boolean {
  let old: string | undefined;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    old = undefined;
  }
  if (old === text) return false;
  writeFileSync(path, text);
  return true;
}

/**
 * Regenerates the README checks and reason tables, `schemas/reasons.schema.json`
 * and `docs/coverage.md` under `root`, and appends unpublished check IDs to
 * `suites/_catalog/published-checks.yaml` (the reason catalog and the suite
 * are always the bundled ones).
 * @returns the files rewritten (relative to `root`)
 */
export function generate(root: string = PACKAGE_ROOT): string[] {
  const written: string[] = [];
  const readmePath = join(root, 'README.md');
  const reasons = loadReasonCatalog();
  // The reason enum first: the suite loads against it.
  if (writeIfChanged(join(root, 'schemas', 'reasons.schema.json'), reasonsSchemaText(reasons))) {
    written.push('schemas/reasons.schema.json');
    // Loading the reason catalog compiled the schemas: read them again, with the new enum.
    forgetSchemas();
  }
  const suite = loadSuite(SUITES_DIR);
  // The slow run first, so that the README is read and written back without tens of seconds in between.
  const stdioExample = stdioExampleSection(runStdioExample());
  let readme = withSection(withChecksTable(readFileSync(readmePath, 'utf8'), checksTable(suite)), 'reasons', reasonsTable(reasons));
  readme = withSection(readme, 'stdio-example', stdioExample);
  if (writeIfChanged(readmePath, readme)) written.push('README.md');
  // Publishing: every declared check joins the frozen list of check IDs (never removed from it).
  const publishedPath = join(root, 'suites', '_catalog', 'published-checks.yaml');
  const ids = suite.flatMap((s) => s.checks.map((c) => `${s.id}/${c.id}`));
  if (writeIfChanged(publishedPath, withNewChecksPublished(readFileSync(publishedPath, 'utf8'), ids))) written.push('suites/_catalog/published-checks.yaml');
  if (writeIfChanged(join(root, 'docs', 'coverage.md'), `${coverageDocument(bundledCoverage())}\n`)) written.push('docs/coverage.md');
  return written;
}

if (isEntryModule(import.meta.url)) {
  try {
    const written = generate();
    process.stdout.write(written.length ? `rewrote ${written.join(', ')}\n` : 'generated documents are current\n');
  } catch (e) {
    process.stderr.write(`gen: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
