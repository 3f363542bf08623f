import { describe, it, expect } from 'vitest';
import { escapeHtml, renderHtml } from './html.js';
import { HOSTILE, makeSampleResults, makeStdioSampleResults, STDIO_COMMAND } from './sample-results.js';

const results = makeSampleResults();
const html = renderHtml(results);

/** Decodes the five entities escapeHtml produces. */
function unescape(s: string): string {
  return s.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '');
}

describe('escapeHtml', () => {
  it('escapes markup and quotes and neutralises control characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml('a\u0001b\u001bc\u0000d\uD800e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    expect(escapeHtml('tab\tnl\n😀')).toBe('tab\tnl\n😀');
  });
});

describe('renderHtml', () => {
  it('is one complete document', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html.match(/<html\b/g)).toHaveLength(1);
  });

  it('contains no script and no unescaped target markup', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/);
    expect(html).not.toMatch(/\son\w+=/i); // no event-handler attributes
  });

  it('loads no external resources', () => {
    expect(html).not.toMatch(/\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"`);
    // Every href is a local anchor or one of the checks' spec URLs.
    const specUrls = new Set(results.checks.map((c) => c.specUrl));
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
      const target = unescape(href!);
      expect(target.startsWith('#') || specUrls.has(target)).toBe(true);
    }
  });

  it('has one section per check result with its ID and version as anchor', () => {
    const ids = [...html.matchAll(/<section id="([^"]*)"/g)].map((m) => unescape(m[1]!));
    expect(ids).toEqual(results.checks.map((c) => `${c.id}@${c.protocolVersion}`));
    expect(new Set(ids).size).toBe(16);
    for (const [, href] of html.matchAll(/href="#([^"]*)"/g)) expect(ids).toContain(unescape(href!));
  });

  it('shows header facts, verdict counts and the requirement matrix', () => {
    expect(html).toContain('<dt>Transport</dt><dd>streamable-http</dd>');
    expect(html).toContain('<dt>Target</dt><dd>http://127.0.0.1:3917/mcp</dd>');
    expect(html).not.toContain('<dt>Working directory</dt>');
    expect(html).toContain('Host check off');
    expect(html).toContain('<dd>node server.js --port 3917</dd>');
    expect(html).toContain(`<dd>${escapeHtml(`evil\uFFFD${HOSTILE} 1.0.0"'&`)}</dd>`);
    expect(html).toContain('<dd>2025-06-18, 2025-11-25</dd>');
    expect(html).toContain('<dd>6.543 s</dd>');
    expect(html).toContain('<span class="badge v-pass">pass</span> 7');
    expect(html).toContain('<span class="badge v-error">error</span> 1');
    // HTTP-SESS-008 is cited by delete-accepted and request-after-delete-404: worst is n/a at 06-18, error at 11-25.
    const row = html.match(/<tr><th scope="row">HTTP-SESS-008<\/th>(.*?)<\/tr>/s)?.[1] ?? '';
    expect(row).toMatch(/^<td><a class="badge v-not-applicable" href="#session-delete\/delete-accepted@2025-06-18"/);
    expect(row).toMatch(/<td><a class="badge v-error" href="#session-delete\/delete-accepted@2025-11-25"[^>]*>error<\/a><\/td>$/);
    const rows = [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(rows).toEqual(['HTTP-SESS-001', 'HTTP-SESS-002', 'HTTP-SESS-003', 'HTTP-SESS-004', 'HTTP-SESS-005', 'HTTP-SESS-006', 'HTTP-SESS-007', 'HTTP-SESS-008', 'HTTP-SSE-010']);
  });

  it('details each check with expected, observed, spec link and transcript', () => {
    const section = html.match(/<section id="session-id\/visible-ascii@2025-06-18"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(section).toContain('<span class="badge v-fail">fail</span>');
    expect(section).toContain('<dt>Level</dt><dd>MUST</dd>');
    expect(section).toContain('<code>HTTP-SESS-002</code>, <code>HTTP-SESS-003</code>');
    expect(section).toMatch(/<h4>Expected<\/h4><pre>session ID of visible ASCII/);
    expect(section).toContain('<a href="https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#session-management"');
    expect(section).toMatch(/<details><summary>Transcript \(1 exchange\)<\/summary><pre>000 TX POST/);
    expect(section).toContain('mcp-session-id: abc]]&gt;&quot;&#39;&amp;&lt;script&gt;');
  });

  it('does not link non-http spec URLs', () => {
    const r = makeSampleResults();
    r.checks[0]!.specUrl = 'javascript:alert(1)';
    const out = renderHtml(r);
    expect(out).not.toContain('href="javascript:');
    expect(out).toContain('javascript:alert(1)');
  });

  it('puts target stdout and stderr in collapsible blocks at the end', () => {
    const tail = html.slice(html.lastIndexOf('</section>'));
    expect(tail).toContain('<h2>Target output</h2>');
    expect(tail).toContain(`<details><summary>stdout</summary><pre>listening on 3917\n${escapeHtml(HOSTILE)}`);
    expect(tail).toContain('<details><summary>stderr</summary><pre>warning: \uFFFD[31mred\uFFFD[0m \uFFFD done');
  });

  it('marks an interrupted run', () => {
    expect(html).toContain('<dt>Interrupted</dt><dd>no</dd>');
    expect(renderHtml({ ...results, interrupted: true })).toContain('<dt>Interrupted</dt><dd>yes — results are incomplete</dd>');
  });
});

describe('renderHtml of a stdio run', () => {
  const stdio = makeStdioSampleResults();
  stdio.options.sessionSamples = 256; // the CLI always records its default
  const page = renderHtml(stdio);
  const section = (id: string) => page.match(new RegExp(`<section id="${id.replace(/[./]/g, '\\$&')}"[\\s\\S]*?</section>`))?.[0] ?? '';

  it('shows the transport, the command (escaped), its cwd and env names in the header', () => {
    expect(page).toContain('<dt>Transport</dt><dd>stdio (the server runs as a subprocess; one process per session)</dd>');
    expect(page).toContain(`<dt>Command</dt><dd>${escapeHtml(STDIO_COMMAND)}</dd>`);
    expect(page).not.toContain(STDIO_COMMAND); // its markup is escaped everywhere
    expect(page).toContain('<dt>Working directory</dt><dd>/srv/mcp</dd>');
    expect(page).toContain('<dt>Environment</dt><dd>API_TOKEN, DEBUG (names only; values are not recorded)</dd>');
    expect(page).not.toContain('<dt>Target</dt>'); // the placeholder URL stdio: says nothing
    expect(page).toContain(`<title>MCP session conformance — stdio: ${escapeHtml(STDIO_COMMAND)}</title>`);
    expect(page).toContain('stdout line bound 4194304 bytes');
    expect(page).not.toMatch(/Host check|session TTL|session-ID samples/);
  });

  it('stays self-contained and inert with hostile stdout and stderr', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toMatch(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/);
    expect(page).not.toMatch(/\son\w+=/i);
    expect(page).not.toMatch(/\ssrc=|<link\b|url\(/i);
  });

  it('renders stdin lines and stdout lines with their times and marks in the transcript', () => {
    const framing = section('transports.stdio.framing/stdout-lines-are-json@2025-11-25');
    expect(framing).toContain('<details><summary>Transcript (2 exchanges)</summary><pre>000 TX STDIN  (initialize)  t=+0.000s  process 1, pid 4242');
    expect(framing).toContain(`    at 120 ms | \\u001B[32mready\\u001B[0m ${escapeHtml(HOSTILE)}`);
    expect(framing).toContain('at 228 ms [invalid UTF-8: bad bytes shown as U+FFFD; CRLF] | ');
    expect(framing).toContain('[cut at the size bound: 2000000 bytes]');
  });

  it('folds the stderr tail into a closed details after the exchange that shows the exit', () => {
    const shutdown = section('transports.stdio.shutdown/exits-after-sigterm@2025-11-25');
    expect(shutdown).toContain('002 -- process 1 was killed by SIGTERM at 5340 ms</pre>');
    expect(shutdown).toContain(
      `<details class="stderr"><summary>002 -- stderr of process 1 (tail, never judged)</summary><pre>log: listening on stdio\n\\u001B[31mfatal\\u001B[0m: ${escapeHtml(HOSTILE)}\nexiting</pre></details>`,
    );
    expect(shutdown).not.toMatch(/<details[^>]* open/);
    const crash = section('lifecycle.initialize.ordering/request-before-initialize-refused@2025-11-25');
    expect(crash).toContain('001 -- process 2 exited with code 3 at 944 ms');
    expect(crash).toContain('<summary>001 -- stderr of process 2 (tail, never judged)</summary><pre>fatal: received tools/list before initialize; exiting</pre>');
    // Exchange 000 of process 1 and exchange 001 of process 2 share one <pre>, then the tail follows.
    expect(crash).toMatch(/<pre>000 TX STDIN[^<]*\n\n001 TX STDIN[^<]*<\/pre><details class="stderr">/);
  });

  it('lists the three stdio scenario runs and every check', () => {
    const ids = [...page.matchAll(/<section id="([^"]*)"/g)].map((m) => m[1]);
    expect(ids).toEqual(stdio.checks.map((c) => `${c.id}@${c.protocolVersion}`));
    expect(page).toContain('<td><code>transports.stdio.shutdown@2025-11-25</code></td>');
  });
});
