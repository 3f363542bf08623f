import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stdioExampleExcerpt, stdioExampleSection } from './stdio-example.js';
import { PACKAGE_ROOT } from '../model/paths.js';

/** Console output of a finished run, shaped as the CLI prints it (--no-color). */
const OUTPUT = [
  'Server negotiates:',
  '  yes 2025-11-25  initialize answered with protocolVersion 2025-11-25 (464 ms)',
  'Judging at 2025-11-25 (as requested)',
  '',
  'PASS  a.b/c@2025-11-25  passes',
  'WARN  z.y/x@2025-11-25  warned',
  '      -> SHOULD: expected e; observed o',
  'N/A   a.b/d@2025-11-25  not applicable',
  '      -> MUST: reason: transport-http-only',
  'INFO  a.b/e@2025-11-25  recorded',
  '      -> INFO: observed JSON-RPC result',
  '',
  'Checks: 4 — 1 pass, 0 fail, 1 warn, 1 info, 1 not-applicable, 0 skipped, 0 blocked, 0 error',
  '',
  'Level         PASS  FAIL  WARN  INFO   N/A  SKIP BLOCK ERROR',
  'MUST             1     0     0     0     1     0     0     0',
  '',
  'Duration: 26.510s',
  'reports: /tmp/x/results.json, /tmp/x/junit.xml, /tmp/x/report.html',
  'exit 0: no check failed, errored or was blocked',
  '',
].join('\n');

describe('README stdio example', () => {
  it('keeps the stable lines: Judging at, the non-pass non-N/A checks sorted with their details, the summary, the exit line', () => {
    expect(stdioExampleExcerpt(OUTPUT)).toBe(
      [
        '…',
        'Judging at 2025-11-25 (as requested)',
        '…',
        'INFO  a.b/e@2025-11-25  recorded',
        '      -> INFO: observed JSON-RPC result',
        'WARN  z.y/x@2025-11-25  warned',
        '      -> SHOULD: expected e; observed o',
        '…',
        'Checks: 4 — 1 pass, 0 fail, 1 warn, 1 info, 1 not-applicable, 0 skipped, 0 blocked, 0 error',
        '',
        'Level         PASS  FAIL  WARN  INFO   N/A  SKIP BLOCK ERROR',
        'MUST             1     0     0     0     1     0     0     0',
        '…',
        'exit 0: no check failed, errored or was blocked',
      ].join('\n'),
    );
  });

  it('refuses output that is not a finished run', () => {
    expect(() => stdioExampleExcerpt('Server negotiates:\n')).toThrow(/not the console output of a finished run/);
  });

  it('the README holds the generated block between its markers (its staleness against a real run: fixtures/real-stdio-servers.verdicts.test.ts)', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const m = /<!-- stdio-example:begin -->\n([\s\S]*?)\n<!-- stdio-example:end -->/.exec(readme);
    expect(m, 'README has the stdio-example markers').not.toBeNull();
    const body = m![1]!.replace(/^```\n/, '').replace(/\n```$/, '');
    expect(m![1]).toBe(stdioExampleSection(body));
    expect(body).toMatch(/^…\nJudging at /);
    expect(body).toMatch(/\n…\nexit \d+: [^\n]+$/);
  });
});
