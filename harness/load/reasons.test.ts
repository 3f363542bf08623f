/** The closed list of reason codes: generated files current, every code the suite or the engine gives listed, and the scenario schema enforcing it. */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadReasonCatalog, reasonsSchemaText, reasonsTable, suiteReasonUses, REASONS_SCHEMA_PATH } from './reasons.js';
import { ENGINE_REASON, ENGINE_REASON_VERDICTS, TRANSPORT_ERROR_REASONS } from '../model/reason-codes.js';
import { loadRequirementIds, loadScenario, loadSuite, ScenarioError } from './loader.js';
import { PACKAGE_ROOT, SCHEMAS_DIR, SUITES_DIR } from '../model/paths.js';
import type { ExchangeErrorKind } from '../model/results.js';

const catalog = loadReasonCatalog();
const byCode = new Map(catalog.map((e) => [e.code, e]));

/** Every non-test TypeScript source under `dir`, recursively. */
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'reason-codes.ts') out.push(full);
  }
  return out;
}

/**
 * Reason codes written as literals where the engine emits them: `reason: …`
 * or `reason = …` (the literals of that expression, up to a comma), an
 * error object's `kind: …, message` (probes and transports), `const kind =
 * …`, and `abort('…')` (the CLI's interruption reasons); plus the codes
 * referred to as `ENGINE_REASON.<name>`. Maps each code to the files.
 */
function emittedInSources(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (code: string, file: string) => found.set(code, [...new Set([...(found.get(code) ?? []), file])]);
  const literals = (expr: string) => [...expr.matchAll(/'([a-z][a-z0-9]*(?:-[a-z0-9]+)*)'/g)].map((m) => m[1]!);
  const names = ENGINE_REASON as Record<string, string>;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const rel = relative(PACKAGE_ROOT, f);
    for (const m of text.matchAll(/\breason\s*(?::|=(?!=))\s*([^;,}\n]*)/g)) literals(m[1]!).forEach((c) => add(c, rel));
    for (const m of text.matchAll(/\bkind\s*:\s*([^;,}\n]*?)\s*,\s*message\b/g)) literals(m[1]!).forEach((c) => add(c, rel));
    for (const m of text.matchAll(/\bconst\s+kind\s*=\s*([^;,}\n]*)/g)) literals(m[1]!).forEach((c) => add(c, rel));
    for (const m of text.matchAll(/\babort\(\s*'([a-z][a-z0-9-]*)'\s*\)/g)) add(m[1]!, rel);
    for (const m of text.matchAll(/\bENGINE_REASON\.(\w+)/g)) if (names[m[1]!]) add(names[m[1]!]!, rel);
  }
  return found;
}

describe('reason codes (suites/_catalog/reasons.yaml)', () => {
  it('schemas/reasons.schema.json is current (regenerate with npm run gen)', () => {
    expect(readFileSync(REASONS_SCHEMA_PATH, 'utf8')).toBe(reasonsSchemaText(catalog));
  });

  it("the README's reason table is current (regenerate with npm run gen)", () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const m = /<!-- reasons:begin -->\n([\s\S]*?)\n<!-- reasons:end -->/.exec(readme);
    expect(m, 'README has the reasons markers').not.toBeNull();
    expect(m![1]).toBe(reasonsTable(catalog));
  });

  it('every reason a scenario or macro records is listed with that verdict', () => {
    const uses = suiteReasonUses(loadSuite(SUITES_DIR));
    expect(uses.size).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const [code, byVerdict] of uses)
      for (const [verdict, where] of byVerdict) {
        const entry = byCode.get(code);
        if (!entry) problems.push(`${code}: not listed (${where[0]})`);
        else if (!(entry.verdicts as string[]).includes(verdict)) problems.push(`${code}: recorded with ${verdict} (${where[0]}), listed only with ${entry.verdicts.join(', ')}`);
      }
    expect(problems).toEqual([]);
  });

  it("every code the engine emits on its own is listed with the engine's verdicts", () => {
    const problems: string[] = [];
    for (const [code, verdicts] of Object.entries(ENGINE_REASON_VERDICTS)) {
      const entry = byCode.get(code);
      if (!entry) problems.push(`${code}: not listed`);
      else for (const v of verdicts) if (!entry.verdicts.includes(v)) problems.push(`${code}: the engine gives it with ${v}`);
    }
    expect(problems).toEqual([]);
  });

  it('the harness sources emit no reason literal missing from harness/model/reason-codes.ts, and every code there is emitted', () => {
    const found = emittedInSources(sources(join(PACKAGE_ROOT, 'harness')));
    const known = new Set(Object.keys(ENGINE_REASON_VERDICTS));
    const unknown = [...found].filter(([code]) => !known.has(code)).map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(unknown, 'add these to harness/model/reason-codes.ts and suites/_catalog/reasons.yaml').toEqual([]);
    // Both ways: the scan is not blind, and the list names no code the engine no longer emits.
    expect([...known].filter((c) => !found.has(c)), 'listed in harness/model/reason-codes.ts but not found in the sources').toEqual([]);
  });

  it('the transport-error reasons are exactly the exchange error kinds, and the transportError matcher accepts each', () => {
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    // Fails to compile (npm run typecheck) when ExchangeErrorKind and the list part ways.
    const same: Same<ExchangeErrorKind, (typeof TRANSPORT_ERROR_REASONS)[number]> = true;
    expect(same).toBe(true);
    const scenarioSchema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'scenario.schema.json'), 'utf8'));
    expect([...scenarioSchema.$defs.matcher.properties.transportError.enum].sort()).toEqual(['any', ...TRANSPORT_ERROR_REASONS].sort());
  });

  it('every listed code is given by some scenario, macro or engine code (no dead entries)', () => {
    const used = new Set([...suiteReasonUses(loadSuite(SUITES_DIR)).keys(), ...Object.keys(ENGINE_REASON_VERDICTS)]);
    expect(catalog.map((e) => e.code).filter((c) => !used.has(c))).toEqual([]);
  });

  it('a scenario giving an unknown reason is rejected at its position', () => {
    const text = [
      'id: test.reasons.unknown',
      'title: An unknown reason code',
      'versions: { from: "2025-03-26" }',
      'checks:',
      '  - { id: c, title: C, level: MUST, requirements: [BASE-001], spec: basic/index }',
      'steps:',
      '  - http: { jsonrpc: { method: ping } }',
      '    require: { that: { status: 200 }, reason: no-such-reason }',
      '    expect: { c: { status: 200 } }',
    ].join('\n');
    const ids = loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml'));
    let err: unknown;
    try {
      loadScenario(join(SUITES_DIR, '__reasons-test__', 'x.yaml'), SUITES_DIR, ids, undefined, text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toMatch(/^__reasons-test__\/x\.yaml:8:47: .*not a known reason code.*reasons\.yaml/);
    // The same scenario with a listed code loads.
    expect(() => loadScenario(join(SUITES_DIR, '__reasons-test__', 'x.yaml'), SUITES_DIR, ids, undefined, text.replace('no-such-reason', 'initialize-failed'))).not.toThrow();
  });

  it('a catalog with a duplicate code, or a verdict that carries no reason, is rejected at its position', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msc-reasons-'));
    const dup = join(dir, 'dup.yaml');
    writeFileSync(dup, 'reasons:\n  - { code: a-b, verdicts: [error], meaning: first meaning }\n  - { code: a-b, verdicts: [error], meaning: second meaning }\n');
    expect(() => loadReasonCatalog(dup)).toThrow(/dup\.yaml:3:\d+: duplicate reason code "a-b"/);
    const pass = join(dir, 'pass.yaml');
    writeFileSync(pass, 'reasons:\n  - code: a-b\n    verdicts: [pass]\n    meaning: a pass with a reason\n');
    expect(() => loadReasonCatalog(pass)).toThrow(/pass\.yaml:3:\d+: schema: at reasons\.0\.verdicts\.0: must be one of/);
  });
});
