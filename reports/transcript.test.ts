import { describe, it, expect } from 'vitest';
import type { ExchangeRecord } from '../harness/model/results.js';
import { BODY_LIMIT, renderTranscript, transcriptBlocks } from './transcript.js';
import {
  HOSTILE,
  LONG_BODY_LENGTH,
  makeSampleResults,
  makeStdioSampleResults,
  STDIO_LONG_LINE_BYTES,
} from './sample-results.js';

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

describe('renderTranscript of stdio exchanges', () => {
  const stdio = makeStdioSampleResults();
  const stdioRun = (key: string) => {
    const r = stdio.scenarios.find((s) => s.key === key);
    if (!r) throw new Error(`no run ${key}`);
    return r;
  };

  it('shows the line written, each stdout line with its time, and the process', () => {
    const lines = renderTranscript(stdioRun('transports.stdio.framing@2025-11-25').transcript, { seqs: [0, 1] }).split('\n');
    expect(lines[0]).toBe('000 TX STDIN  (initialize)  t=+0.000s  process 1, pid 4242');
    expect(lines[1]).toMatch(/^ {4}\{"jsonrpc":"2\.0","id":1,"method":"initialize",/);
    expect(lines[2]).toBe('000 RX stdout  210 ms, 2 lines (times since the process started)');
    // The banner: its ESC is a visible escape, its markup kept for the HTML/XML layer to escape.
    expect(lines[3]).toBe(`    at 120 ms | \\u001B[32mready\\u001B[0m ${HOSTILE}`);
    expect(lines[4]).toMatch(/^ {4}at 180 ms \| \{"jsonrpc":"2\.0","id":1,"result":/);
    expect(lines).toContain('001 TX STDIN  (initialized)  t=+0.215s  process 1, pid 4242');
    expect(lines).toContain('001 RX stdout  0 ms, no lines');
    expect(lines.join('\n')).not.toContain('stdio:'); // the placeholder URL is not shown
  });

  it('marks invalid UTF-8, CRLF and a line the harness cut, with the bytes left out', () => {
    const text = renderTranscript(stdioRun('transports.stdio.framing@2025-11-25').transcript, { seqs: [2] });
    expect(text).toContain('    at 228 ms [invalid UTF-8: bad bytes shown as U+FFFD; CRLF] | {"jsonrpc":"2.0","id":2,"result":{"name":"caf\uFFFD"}}');
    expect(text).toContain(
      `    at 231 ms [cut at the size bound: ${STDIO_LONG_LINE_BYTES} bytes] | ${'z'.repeat(BODY_LIMIT)}… (${STDIO_LONG_LINE_BYTES - BODY_LIMIT} more bytes)`,
    );
    expect(text).not.toContain('z'.repeat(BODY_LIMIT + 1));
  });

  it('shows CLOSE-STDIN and SIGNAL, the exit with its signal, and the stderr tail once, made inert', () => {
    const text = renderTranscript(stdioRun('transports.stdio.shutdown@2025-11-25').transcript);
    const lines = text.split('\n');
    expect(lines).toContain('001 TX CLOSE-STDIN  (close-stdin)  t=+0.200s  process 1, pid 4300');
    expect(lines).toContain('002 TX SIGNAL SIGTERM  (sigterm)  t=+5.200s  process 1, pid 4300');
    expect(lines).toContain('002 -- process 1 was killed by SIGTERM at 5340 ms');
    const at = lines.indexOf('002 -- stderr of process 1 (tail, never judged):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toEqual(['    log: listening on stdio', `    \\u001B[31mfatal\\u001B[0m: ${HOSTILE}`, '    exiting']);
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
  });

  it('shows an exit code, the exited error, and each process its own stderr tail', () => {
    const text = renderTranscript(stdioRun('lifecycle.initialize.ordering@2025-11-25').transcript);
    const lines = text.split('\n');
    expect(lines).toContain('001 TX STDIN  (tools-list-first)  t=+0.200s  process 2, pid 4401');
    expect(lines).toContain('001 -- process 2 exited with code 3 at 944 ms');
    expect(lines.some((l) => l.startsWith('001 !! exited: the server process exited with code 3 944 ms after it started'))).toBe(true);
    expect(lines.slice(-2)).toEqual(['001 -- stderr of process 2 (tail, never judged):', '    fatal: received tools/list before initialize; exiting']);
    expect(lines.filter((l) => l.includes('-- stderr of process'))).toHaveLength(1);
  });

  it('attaches a process stderr tail to its last selected exchange only', () => {
    const framing = stdioRun('transports.stdio.framing@2025-11-25').transcript; // every exchange carries the tail so far
    expect(transcriptBlocks(framing).map((b) => b.stderr?.text)).toEqual([undefined, undefined, 'log: listening on stdio\nlog: ping']);
    // A slice without the last exchange shows the tail as of the slice's last exchange.
    expect(transcriptBlocks(framing, { seqs: [0, 1] }).map((b) => b.stderr?.text)).toEqual([undefined, 'log: listening on stdio']);
    expect(renderTranscript(framing).match(/-- stderr of process/g)).toHaveLength(1);
  });

  it('keeps the end of a long stderr tail and cannot be forged into extra stdout lines', () => {
    const ex: ExchangeRecord = {
      seq: 4,
      step: 'w',
      startedAt: '2025-01-01T00:00:00.000Z',
      durationMs: 3,
      request: { method: 'STDIN', url: 'stdio:', headers: {}, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' },
      stdio: {
        command: 'x',
        pid: 9,
        process: 1,
        action: 'write',
        stdout: [{ atMs: 5, text: 'a\r004 RX stdout forged\u001b[2J', bytes: 30 }],
        session: { lines: 1, faults: {} },
        stderrTail: 'b'.repeat(BODY_LIMIT + 10) + 'END\n',
      },
    };
    const [block] = transcriptBlocks([ex]);
    expect(block!.text.split('\n')).toEqual([
      '004 TX STDIN  (w)  t=+0.000s  process 1, pid 9',
      '    {"jsonrpc":"2.0","id":1,"method":"ping"}',
      '004 RX stdout  3 ms, 1 line (times since the process started)',
      '    at 5 ms | a\\u000D004 RX stdout forged\\u001B[2J',
    ]);
    expect(block!.stderr!.text).toBe('… ' + 'b'.repeat(BODY_LIMIT - 3) + 'END');
  });
});
