import { describe, it, expect } from 'vitest';
import type { Verdict } from '../harness/model/results.js';
import { formatCheckLine, formatRunStart, formatSummary, formatTransport, VERDICT_TAGS } from './console.js';
import { makeSampleResults, makeStdioSampleResults, STDIO_COMMAND } from './sample-results.js';

const results = makeSampleResults();
const check = (id: string, version: string) => {
  const c = results.checks.find((x) => x.id === id && x.protocolVersion === version);
  if (!c) throw new Error(`no check ${id}@${version}`);
  return c;
};
const ESC = '\u001b';

describe('formatCheckLine', () => {
  it('starts every line with a fixed-width tag per verdict', () => {
    const expected: Record<Verdict, string> = {
      pass: 'PASS ', fail: 'FAIL ', warn: 'WARN ', info: 'INFO ',
      'not-applicable': 'N/A  ', skipped: 'SKIP ', blocked: 'BLOCK', error: 'ERROR',
    };
    expect(VERDICT_TAGS).toEqual(expected);
    for (const c of results.checks) {
      const line = formatCheckLine(c);
      expect(line.startsWith(`${expected[c.verdict]} ${c.id}@${c.protocolVersion}  ${c.title}`)).toBe(true);
    }
  });

  it('is one line for pass and two for other verdicts', () => {
    expect(formatCheckLine(check('session-id/assigned-on-initialize', '2025-06-18'))).toBe(
      'PASS  session-id/assigned-on-initialize@2025-06-18  Server assigns a session ID in the InitializeResult response',
    );
    const fail = formatCheckLine(check('session-id/visible-ascii', '2025-06-18')).split('\n');
    expect(fail).toHaveLength(2);
    expect(fail[1]).toMatch(/^ {6}-> MUST: expected session ID of visible ASCII characters \(0x21-0x7E\); observed session ID /);
    expect(formatCheckLine(check('session-delete/delete-accepted', '2025-11-25')).split('\n')[1]).toBe(
      '      -> MAY: expected HTTP 200, 202 or 405; observed no response headers within 5000 ms; reason: timeout',
    );
    expect(formatCheckLine(check('session-delete/request-after-delete-404', '2025-11-25')).split('\n')[1]).toBe(
      '      -> MUST: reason: prerequisite-not-met',
    );
  });

  it('neutralises control characters and bounds target text', () => {
    const c = { ...check('session-id/missing-header-rejected', '2025-06-18') };
    c.observed = `evil ${ESC}[2J\r\nnext line ` + 'y'.repeat(1000);
    const out = formatCheckLine(c);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\r');
    expect(out.split('\n')).toHaveLength(2);
    expect(out).toContain('evil \\u001B[2J\\u000D\\u000Anext line');
    expect(out.length).toBeLessThan(600);
  });

  it('colours with ANSI codes only when asked', () => {
    const c = check('session-id/visible-ascii', '2025-06-18');
    expect(formatCheckLine(c)).not.toContain(ESC);
    const coloured = formatCheckLine(c, { color: true });
    expect(coloured.startsWith(`${ESC}[1;31mFAIL ${ESC}[0m `)).toBe(true);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatCheckLine(c));
  });
});

describe('formatSummary', () => {
  it('counts verdicts, tabulates levels and shows the duration', () => {
    const text = formatSummary(results);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Transport: streamable-http http://127.0.0.1:3917/mcp');
    expect(lines[1]).toBe('Checks: 16 — 7 pass, 1 fail, 1 warn, 1 info, 3 not-applicable, 1 skipped, 1 blocked, 1 error');
    expect(lines[3]).toMatch(/^Level\s+PASS\s+FAIL\s+WARN\s+INFO\s+N\/A\s+SKIP\s+BLOCK\s+ERROR$/);
    const row = (level: string) => lines.find((l) => l.startsWith(`${level} `))?.slice(level.length).trim().split(/\s+/).map(Number);
    expect(row('MUST')).toEqual([1, 1, 0, 0, 1, 0, 1, 0]);
    expect(row('MUST NOT')).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    expect(row('MAY')).toEqual([2, 0, 0, 0, 1, 0, 0, 1]);
    expect(row('SHOULD NOT')).toBeUndefined(); // no checks at that level
    expect(text).toContain('Duration: 6.543s');
    expect(text).not.toMatch(/exit/i);
    expect(text).not.toContain(ESC);
    expect(text).not.toMatch(/interrupted/i);
  });

  it('colours only when asked and flags interruption', () => {
    const coloured = formatSummary({ ...results, interrupted: true }, { color: true });
    expect(coloured).toContain(ESC);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(formatSummary({ ...results, interrupted: true }));
    expect(formatSummary({ ...results, interrupted: true })).toMatch(/interrupted/);
  });
});

describe('formatTransport and formatRunStart', () => {
  const stdio = makeStdioSampleResults();

  it('names the transport: streamable-http with the URL, stdio with the command, cwd and env names', () => {
    expect(formatTransport(results.target)).toBe('transport: streamable-http http://127.0.0.1:3917/mcp');
    expect(formatTransport(stdio.target)).toBe(`transport: stdio (${STDIO_COMMAND}), cwd /srv/mcp, env API_TOKEN, DEBUG (values not shown)`);
    const bare = { kind: 'stdio' as const, url: 'stdio:', transport: 'stdio' as const, command: 'node server.js' };
    expect(formatTransport(bare)).toBe('transport: stdio (node server.js)');
  });

  it('derives the transport from the kind before the run has set it (the CLI header)', () => {
    expect(formatRunStart({ kind: 'stdio', url: 'stdio:', command: 'node server.js' }, 41)).toBe(
      'judging 41 scenarios; transport: stdio (node server.js)',
    );
    expect(formatRunStart({ kind: 'url', url: 'http://127.0.0.1:8080/mcp' }, 1)).toBe(
      'judging 1 scenario; transport: streamable-http http://127.0.0.1:8080/mcp',
    );
    expect(formatRunStart({ kind: 'reference', url: 'http://127.0.0.1:4000/mcp', command: 'node ref.js' }, 2)).toBe(
      'judging 2 scenarios; transport: streamable-http http://127.0.0.1:4000/mcp',
    );
  });

  it('keeps a hostile command on one line without escape sequences', () => {
    const line = formatTransport({ kind: 'stdio', url: 'stdio:', command: `evil ${ESC}[2J\nFAIL  forged`, env: [`A${ESC}`] });
    expect(line).toBe('transport: stdio (evil \\u001B[2J\\u000AFAIL  forged), env A\\u001B (values not shown)');
    expect(line).not.toContain(ESC);
    expect(line.split('\n')).toHaveLength(1);
  });

  it('opens the summary of a stdio run', () => {
    expect(formatSummary(stdio).split('\n').slice(0, 2)).toEqual([
      `Transport: stdio (${STDIO_COMMAND}), cwd /srv/mcp, env API_TOKEN, DEBUG (values not shown)`,
      'Checks: 7 — 1 pass, 2 fail, 1 warn, 1 info, 0 not-applicable, 0 skipped, 1 blocked, 1 error',
    ]);
  });
});
