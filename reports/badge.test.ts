/** badge.svg: the result per version, coloured by the worst; well-formed, script-free, escaped. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../harness/model/results.js';
import { BADGE_COLORS, escapeXml, renderBadge } from './badge.js';
import { makeSampleResults } from './sample-results.js';

/** The sample with every check at `version` turned into `verdict` (a run with one kind of result there). */
function allAt(r: RunResults, version: string, verdict: 'pass' | 'fail'): RunResults {
  return { ...r, checks: r.checks.map((c) => (c.protocolVersion === version ? { ...c, verdict } : c)) };
}

/** The badge's message (the second text). */
function message(svg: string): string {
  return [...svg.matchAll(/<text x="\d+" y="14">([^<]*)<\/text>/g)][1]![1]!;
}

describe('renderBadge', () => {
  it('states each version and takes the colour of the worst', () => {
    const svg = renderBadge(makeSampleResults());
    expect(message(svg)).toBe('2025-06-18 1 MUST failure | 2025-11-25 inconclusive');
    expect(svg).toContain(`fill="${BADGE_COLORS.failures}"`);
    expect(svg).toContain('<title>MCP session conformance — 1 MUST failure for 2025-06-18; 1 SHOULD warning; Inconclusive for 2025-11-25');
  });

  it('is green when every version is conformant, and leaves out versions the server does not support', () => {
    let r = allAt(allAt(makeSampleResults(), '2025-06-18', 'pass'), '2025-11-25', 'pass');
    expect(message(renderBadge(r))).toBe('2025-06-18 conformant | 2025-11-25 conformant');
    expect(renderBadge(r)).toContain(`fill="${BADGE_COLORS.conformant}"`);
    r = { ...r, discovery: { ...r.discovery!, notNegotiated: ['2025-06-18'] } };
    expect(message(renderBadge(r))).toBe('2025-11-25 conformant');
    expect(renderBadge(r)).toContain('Not supported: the server does not negotiate 2025-06-18');
  });

  it('is well-formed XML with no script, link or external reference, and escapes text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msc-badge-'));
    try {
      const f = join(dir, 'badge.svg');
      writeFileSync(f, renderBadge(makeSampleResults()));
      execFileSync('xmllint', ['--noout', f]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(renderBadge(makeSampleResults())).not.toMatch(/<script|href|<image|<foreignObject|on\w+=/i);
    expect(escapeXml(`a<b>&"'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });
});
