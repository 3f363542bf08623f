import { describe, it, expect } from 'vitest';
import type { ExchangeRecord } from '../harness/model/results.js';
import { BODY_LIMIT, renderTranscript } from './transcript.js';
import { LONG_BODY_LENGTH, makeSampleResults } from './sample-results.js';

const results = makeSampleResults();
const run = (key: string) => {
  const r = results.scenarios.find((s) => s.key === key);
  if (!r) throw new Error(`no run ${key}`);
  return r;
};

describe('renderTranscript', () => {
  it('numbers each exchange with TX and RX lines, step and relative time', () => {
    const text = renderTranscript(run('session-id@2025-06-18').transcript);
    const lines = text.split('\n');
    expect(lines[0]).toBe('000 TX POST http://127.0.0.1:3917/mcp  (macro:initialize)  t=+0.000s');
    expect(lines).toContain('    Content-Type: application/json');
    expect(lines).toContain('001 TX POST http://127.0.0.1:3917/mcp  (macro:initialized)  t=+0.020s');
    expect(lines).toContain('000 RX 200  12 ms, 185 bytes');
    expect(lines).toContain('001 RX 202  12 ms, 0 bytes');
    expect(lines.filter((l) => /^\d{3} TX /.test(l))).toHaveLength(4);
    expect(lines.filter((l) => /^\d{3} RX /.test(l))).toHaveLength(4);
    expect(text.split('\n\n')).toHaveLength(4); // one block per exchange
  });

  it('renders SSE events and notes', () => {
    const text = renderTranscript(run('session-id@2025-11-25').transcript);
    expect(text).toMatch(/^ {4}event: message {2}id: 1 {2}data: \{"jsonrpc":"2\.0","id":1,"result":/m);
    expect(text).toContain('    event: ping  data: {}');
    expect(text).toContain('003 -- note: stopped reading the SSE stream');
  });

  it('renders exchange errors as !! lines', () => {
    const text = renderTranscript(run('session-delete@2025-11-25').transcript);
    expect(text).toContain('001 TX DELETE http://127.0.0.1:3917/mcp  (delete-session)  t=+0.030s');
    expect(text).toContain('001 !! timeout: no response headers within 5000 ms');
    expect(text).not.toMatch(/^001 RX/m);
  });

  it('renders only the selected seqs, keeping the run clock', () => {
    const text = renderTranscript(run('session-id@2025-06-18').transcript, { seqs: [2] });
    expect(text.startsWith('002 TX POST http://127.0.0.1:3917/mcp  (list-without-session)  t=+0.040s')).toBe(true);
    expect(text).not.toMatch(/^00[013] /m);
    expect(renderTranscript(run('session-id@2025-06-18').transcript, { seqs: [] })).toBe('');
  });

  it('bounds bodies with a byte-count marker', () => {
    const text = renderTranscript(run('session-id@2025-06-18').transcript, { seqs: [3] });
    expect(text).toContain(`    ${'x'.repeat(BODY_LIMIT)}… (${LONG_BODY_LENGTH - BODY_LIMIT} more bytes)`);
    expect(text).not.toContain('x'.repeat(BODY_LIMIT + 1));
  });

  it('counts bytes the harness already cut and never splits a surrogate pair', () => {
    const body = 'a'.repeat(BODY_LIMIT - 1) + '😀tail';
    const ex: ExchangeRecord = {
      seq: 0,
      step: 's',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 1,
      request: { method: 'POST', url: 'http://x/', headers: {} },
      response: { status: 200, headers: {}, body, bodyTruncated: true, bytes: 10_000 },
    };
    const text = renderTranscript([ex]);
    const shown = 'a'.repeat(BODY_LIMIT - 1);
    expect(text).toContain(`    ${shown}… (${10_000 - (BODY_LIMIT - 1)} more bytes)`);
    expect(text).not.toMatch(/\p{Cs}/u);
  });

  it('makes control characters visible and keeps one-line fields on one line', () => {
    const text = renderTranscript(run('session-id@2025-06-18').transcript);
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
    expect(text).toContain('    oops\\u0001 <script>alert(1)</script>');
    const forged: ExchangeRecord = {
      seq: 7,
      step: 'x',
      startedAt: 'not a date',
      durationMs: 1,
      request: { method: 'GET', url: 'http://x/', headers: {} },
      error: { kind: 'connection', message: 'reset\n008 RX 200\r\u001b[2J' },
    };
    const out = renderTranscript([forged]);
    expect(out.split('\n')).toEqual(['007 TX GET http://x/  (x)  t=?', '007 !! connection: reset\\u000A008 RX 200\\u000D\\u001B[2J']);
  });
});
