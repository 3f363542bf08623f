/**
 * `merge` and `diff` on two different real servers (`npm run test:full`):
 * the bundled reference and `@modelcontextprotocol/server-everything` over
 * Streamable HTTP (installed from npm, run unchanged), through the built CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli-process.js';
import { schemaValidator } from '../harness/model/json-schema.js';

const EVERYTHING = 'node node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp';
// A MUST it really violates (README, "A real server"): after DELETE, the old session ID gets 400, not 404.
const VIOLATED = 'http.session.delete-terminates/terminated-session-returns-404';
const dir = mkdtempSync(join(tmpdir(), 'msc-merge-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('merge and diff: reference + server-everything', () => {
  it('puts both servers side by side and diff names what server-everything breaks', async () => {
    const [ref, every] = await Promise.all([
      runCli(['--out', join(dir, 'ref'), '--protocol-version', '2025-11-25']),
      runCli(['--out', join(dir, 'everything'), '--command', EVERYTHING, '--url', 'http://127.0.0.1:{port}/mcp', '--protocol-version', '2025-11-25']),
    ]);
    expect([ref.code, every.code], `${ref.stderr}\n${every.stderr}`).toEqual([0, 1]);
    const a = join(dir, 'ref', 'results.json');
    const b = join(dir, 'everything', 'results.json');

    const merged = await runCli(['merge', a, b, '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'merged', 'merged.json'), 'utf8'));
    const validate = schemaValidator('merged.schema.json');
    expect(validate(m), JSON.stringify(validate.errors)).toBe(true);
    expect(m.servers.map((s: { serverName: string }) => s.serverName)).toEqual(['mcp-session-conformance-reference', 'mcp-servers/everything']);
    expect(m.servers.map((s: { statements: Array<{ kind: string }> }) => s.statements[0]!.kind)).toEqual(['conformant', 'failures']);
    const row = m.versions.find((v: { version: string }) => v.version === '2025-11-25').checks.find((c: { id: string }) => c.id === VIOLATED);
    expect(row.results.map((r: { verdict: string }) => r.verdict)).toEqual(['pass', 'fail']);
    const html = readFileSync(join(dir, 'merged', 'merged.html'), 'utf8');
    expect(html).toContain('mcp-servers/everything');
    expect(html).not.toMatch(/<script/i);

    const diff = await runCli(['diff', a, b, '--format', 'markdown']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^## mcp-session-conformance diff: \d+ regressions/);
    expect(diff.stdout).toContain(`| \`${VIOLATED}\` |`);
  });
});
