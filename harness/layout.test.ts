/**
 * Imports flow one way. `harness/` is grouped by role, each folder a layer:
 *
 *   util → model → {analysis, transport, target} → probes → load → engine → docs → cli.ts
 *
 * A module may import its own folder and the layers before it, never a
 * later layer, nor a sibling layer of the same rank. `reports/` imports only
 * `harness/model/` (the results model) and itself; no harness module
 * imports `fixtures/` or `reports/`, except the composition roots
 * `harness/cli.ts` and `harness/api.ts`, which import the reports. Test files are exempt.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { PACKAGE_ROOT } from './model/paths.js';

/** Layer of each folder under `harness/` (the root folder holds the entry points: cli.ts, api.ts, vitest.ts). */
const RANK: Record<string, number> = { util: 0, model: 1, analysis: 2, transport: 2, target: 2, probes: 3, load: 4, engine: 5, docs: 6, '': 7 };

/** The harness modules that may import `reports/`. */
const COMPOSITION_ROOTS = ['harness/cli.ts', 'harness/api.ts'];

function sources(dir: string): string[] {
  return readdirSync(join(PACKAGE_ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(PACKAGE_ROOT, rel)).isDirectory()) return sources(rel);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [rel] : [];
  });
}

/** Relative imports of a source file, resolved to package-relative `.ts` paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(PACKAGE_ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

/** `harness/<layer>/…` → layer; `harness/cli.ts` → ''; else the top folder (`reports`, `fixtures`). */
function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'harness') return parts[0]!;
  return parts.length > 2 ? parts[1]! : '';
}

describe('layout', () => {
  it('every harness folder is a known layer', () => {
    const layers = new Set(sources('harness').map(layerOf));
    expect([...layers].filter((l) => !(l in RANK))).toEqual([]);
  });

  it('imports flow one way: no harness module imports a later or sibling layer, fixtures or reports (cli.ts and api.ts excepted for reports)', () => {
    const bad: string[] = [];
    for (const file of sources('harness'))
      for (const target of importsOf(file)) {
        const [from, to] = [layerOf(file), layerOf(target)];
        if (to === 'fixtures' || (to === 'reports' && !COMPOSITION_ROOTS.includes(file))) bad.push(`${file} → ${target}`);
        else if (to !== 'reports' && from !== to && RANK[to]! >= RANK[from]!) bad.push(`${file} (${from || 'root'}) → ${target} (${to || 'root'})`);
      }
    expect(bad).toEqual([]);
  });

  it('reports import only the results model (harness/model) and each other', () => {
    const bad = sources('reports').flatMap((file) =>
      importsOf(file)
        .filter((t) => !(t.startsWith('reports/') || t.startsWith('harness/model/')))
        .map((t) => `${file} → ${relative('.', t)}`),
    );
    expect(bad).toEqual([]);
  });

  it('the checker itself catches a violation', () => {
    // engine → docs runs back up; util → model too; analysis → transport is a sibling.
    const verdict = (from: string, to: string) => layerOf(to) !== layerOf(from) && RANK[layerOf(to)]! >= RANK[layerOf(from)]!;
    expect(verdict('harness/engine/runner.ts', 'harness/docs/gen.ts')).toBe(true);
    expect(verdict('harness/util/sleep.ts', 'harness/model/results.ts')).toBe(true);
    expect(verdict('harness/analysis/entropy.ts', 'harness/transport/http.ts')).toBe(true);
    expect(verdict('harness/engine/runner.ts', 'harness/probes/index.ts')).toBe(false);
  });
});
