import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create } from 'xmlbuilder2';
import { writeReports } from './index.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderBadge } from './badge.js';
import { makeSampleResults } from './sample-results.js';

describe('writeReports', () => {
  it('writes exactly results.json, junit.xml, report.html, summary.md and badge.svg', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-reports-'));
    try {
      const out = path.join(dir, 'nested', 'out');
      const results = makeSampleResults();
      const paths = await writeReports(results, out);
      expect(paths).toEqual({
        json: path.join(out, 'results.json'),
        junit: path.join(out, 'junit.xml'),
        html: path.join(out, 'report.html'),
        summary: path.join(out, 'summary.md'),
        badge: path.join(out, 'badge.svg'),
      });
      expect(fs.readdirSync(out).sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
      expect(fs.readFileSync(paths.summary, 'utf8')).toBe(renderSummaryMarkdown(results));
      expect(fs.readFileSync(paths.badge, 'utf8')).toBe(renderBadge(results));
      expect(fs.readdirSync(dir)).toEqual(['nested']);
      expect(JSON.parse(fs.readFileSync(paths.json, 'utf8'))).toEqual(results);
      expect(fs.readFileSync(paths.junit, 'utf8')).toBe(renderJUnit(results));
      // The HTML names the results.json beside it by the SHA-256 of its exact bytes.
      const sha = createHash('sha256').update(fs.readFileSync(paths.json)).digest('hex');
      expect(fs.readFileSync(paths.html, 'utf8')).toBe(renderHtml(results, { resultsSha256: sha }));
      expect(fs.readFileSync(paths.html, 'utf8')).toContain(`<dt>SHA-256 of results.json</dt><dd>${sha}</dd>`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces existing reports and passes strict to JUnit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-reports-'));
    try {
      fs.writeFileSync(path.join(dir, 'junit.xml'), 'old');
      const results = makeSampleResults();
      const paths = await writeReports(results, dir, { strict: true });
      const root = create(fs.readFileSync(paths.junit, 'utf8')).root();
      expect(root.node.nodeName).toBe('testsuites');
      expect((root.node as unknown as { getAttribute(n: string): string | null }).getAttribute('failures')).toBe('2');
      expect(fs.readdirSync(dir).sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing when the results cannot be rendered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-reports-'));
    try {
      const results = makeSampleResults();
      results.scenarios[0]!.captures = { big: 1n };
      await expect(writeReports(results, path.join(dir, 'out'))).rejects.toThrow(TypeError);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
