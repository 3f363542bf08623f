import { describe, it, expect } from 'vitest';
import { checkSlug, checksOfRun, seconds, transcriptSlice, transportOf, worstVerdict } from './common.js';
import { makeSampleResults } from './sample-results.js';

describe('common helpers', () => {
  it('ranks verdicts for the requirement matrix', () => {
    expect(worstVerdict([])).toBeUndefined();
    expect(worstVerdict(['pass', 'not-applicable'])).toBe('pass');
    expect(worstVerdict(['pass', 'info'])).toBe('info');
    expect(worstVerdict(['warn', 'blocked', 'skipped'])).toBe('warn');
    expect(worstVerdict(['error', 'warn'])).toBe('error');
    expect(worstVerdict(['error', 'fail', 'pass'])).toBe('fail');
  });

  it('formats slugs and seconds', () => {
    expect(checkSlug('session-id/visible-ascii')).toBe('visible-ascii');
    expect(checkSlug('no-slash')).toBe('no-slash');
    expect(seconds(1234)).toBe('1.234');
    expect(seconds(Number.NaN)).toBe('0.000');
  });

  it('finds the checks and transcript slice of a run', () => {
    const r = makeSampleResults();
    const run = r.scenarios[3]!;
    const entries = checksOfRun(r, run);
    expect(entries.map((e) => `${e.check?.id}@${e.check?.protocolVersion}`)).toEqual(run.checks.map((id) => `${id}@2025-11-25`));
    const slice = transcriptSlice(r, entries[0]!.check!);
    expect(slice.exchanges).toBe(run.transcript);
    expect(slice.seqs).toEqual([1]);
  });

  it('names the transport of a target, deriving it from the kind when absent', () => {
    expect(transportOf({ kind: 'stdio', url: 'stdio:', transport: 'stdio' })).toBe('stdio');
    expect(transportOf({ kind: 'url', url: 'http://x/', transport: 'streamable-http' })).toBe('streamable-http');
    expect(transportOf({ kind: 'stdio', url: 'stdio:' })).toBe('stdio');
    expect(transportOf({ kind: 'command', url: 'http://x/' })).toBe('streamable-http');
    expect(transportOf({ kind: 'reference', url: 'http://x/' })).toBe('streamable-http');
  });
});
