/** `merge`: real runs side by side (the reference and a stateless variant, at two versions and one), merged.json against its schema, merged.html escaped and script-free. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../harness/model/results.js';
import { schemaValidator } from '../harness/model/json-schema.js';
import { runSuiteAgainst } from '../fixtures/harness-run.js';
import { mergeResults, renderMergedHtml, renderMergedJson, writeMergedReports } from './merge.js';
import { HOSTILE, makeSampleResults } from './sample-results.js';

const GETS_404 = 'http.session.unknown-id/unknown-session-id-gets-404';
let reference: RunResults;
let stateless: RunResults;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'msc-merge-'));
  // Two servers that really differ: the reference keeps sessions, the legitimate stateless variant issues none.
  [reference, stateless] = await Promise.all([
    runSuiteAgainst({}, ['2025-06-18', '2025-11-25'], { sessionSamples: 16 }),
    runSuiteAgainst({ stateless: true }, ['2025-11-25'], { sessionSamples: 16 }),
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeResults on real runs', () => {
  it('one column per run and one row per check at each version, verdicts where each run has them', () => {
    const m = mergeResults([
      { label: 'reference.json', results: reference },
      { label: 'stateless.json', results: stateless },
    ]);
    expect(m.servers.map((s) => [s.label, s.protocolVersions])).toEqual([
      ['reference.json', ['2025-06-18', '2025-11-25']],
      ['stateless.json', ['2025-11-25']],
    ]);
    expect(m.servers[0]!.statements.map((s) => s.kind)).toEqual(['conformant', 'conformant']);
    expect(m.versions.map((v) => v.version)).toEqual(['2025-06-18', '2025-11-25']);
    const [v0618, v1125] = m.versions;
    // 2025-06-18: only the reference ran it.
    expect(v0618!.checks.every((c) => c.results[0] !== null && c.results[1] === null)).toBe(true);
    // 2025-11-25: every check of both runs, each cell the run's own verdict.
    const ids = new Set([...reference.checks, ...stateless.checks].filter((c) => c.protocolVersion === '2025-11-25').map((c) => c.id));
    expect(v1125!.checks.map((c) => c.id)).toEqual([...ids].sort());
    for (const [i, run] of [reference, stateless].entries())
      for (const c of run.checks.filter((x) => x.protocolVersion === '2025-11-25'))
        expect(v1125!.checks.find((r) => r.id === c.id)!.results[i]).toEqual({ verdict: c.verdict, ...(c.reason ? { reason: c.reason } : {}) });
    // The servers really differ: a session check applies to one and not the other.
    const row = v1125!.checks.find((c) => c.id === GETS_404)!;
    expect(row.results.map((r) => r?.verdict)).toEqual(['pass', 'not-applicable']);
  });

  it('merged.json validates against schemas/merged.schema.json; a broken document does not', () => {
    const m = mergeResults([
      { label: 'reference.json', results: reference },
      { label: 'stateless.json', results: stateless },
      { label: 'sample.json', results: makeSampleResults() },
    ]);
    const validate = schemaValidator('merged.schema.json');
    const doc = JSON.parse(renderMergedJson(m));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const bad = structuredClone(doc);
    bad.versions[0].checks[0].results[0] = { verdict: 'great' };
    expect(validate(bad)).toBe(false);
    delete bad.servers;
    expect(validate(bad)).toBe(false);
  });

  it('writes merged.html and merged.json (and nothing else) into the folder', async () => {
    const m = mergeResults([
      { label: 'reference.json', results: reference },
      { label: 'stateless.json', results: stateless },
    ]);
    const out = join(dir, 'nested', 'out');
    const paths = await writeMergedReports(m, out);
    expect(paths).toEqual({ json: join(out, 'merged.json'), html: join(out, 'merged.html') });
    expect(readdirSync(out).sort()).toEqual(['merged.html', 'merged.json']);
    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(JSON.parse(renderMergedJson(m)));
    expect(readFileSync(paths.html, 'utf8')).toBe(renderMergedHtml(m));
  });
});

describe('renderMergedHtml', () => {
  it('is self-contained, has no script and escapes every run string (serverInfo, labels, reasons)', () => {
    const sample = makeSampleResults();
    const html = renderMergedHtml(
      mergeResults([
        { label: `<img src=x onerror=alert(1)>.json`, results: sample },
        { label: 'reference.json', results: reference },
      ]),
    );
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; [^"]*script-src 'none'">/);
    expect(html).not.toMatch(/<script|<img|<a\s|\ssrc="|\shref="/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.json');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // A cell per run in every matrix row.
    const rows = html.split('\n').filter((l) => l.startsWith('<tr><td><code>'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.match(/<td class="v /g)).toHaveLength(2);
    // The result statement of each run is shown.
    expect(html).toContain('Conformant at MUST level for 2025-11-25');
  });
});
