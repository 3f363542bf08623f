import { createHash } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import type { RunResults } from '../harness/model/results.js';
import { resultStatements } from '../harness/model/statement.js';
import { areaOf, escapeHtml, renderHtml } from './html.js';
import { HOSTILE, makeSampleResults, makeStdioSampleResults, SAMPLE_REQUIREMENTS, STDIO_COMMAND } from './sample-results.js';

const results = makeSampleResults();
const html = renderHtml(results);

/** Decodes the five entities escapeHtml produces. */
function unescape(s: string): string {
  return s.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '');
}

/** The one inline script of a page (its text), or undefined. */
function scriptOf(page: string): string | undefined {
  return page.match(/<script>([\s\S]*?)<\/script>/)?.[1];
}

/** `'sha256-<base64>'` of `text`. */
function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Section IDs in page order. */
function sectionIds(page: string): string[] {
  return [...page.matchAll(/<section id="([^"]*)" class="check/g)].map((m) => unescape(m[1]!));
}

/** What every page must be, whatever the results: one script (the module's own), pinned with the style sheet by the CSP; no target markup reaches it. */
function expectInert(page: string, results: RunResults): void {
  expect(page.match(/<script/gi)).toHaveLength(1);
  expect(page).toMatch(/<script>[\s\S]*?<\/script>\n<\/body>/);
  expect(scriptOf(page)).toBe(scriptOf(renderHtml(makeSampleResults()))); // a constant: no results data in it
  expect(page).not.toMatch(/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/);
  // Inside tags (every < of target text is escaped, so each < opens the renderer's own markup): no event handler, no src.
  expect(page).not.toMatch(/<[^>]*\son\w+=/i);
  expect(page).not.toMatch(/<[^>]*\ssrc=|<link\b|<img\b|<iframe\b|<object\b|<embed\b|<form\b|@import|url\(/i);
  const style = page.match(/<style>([\s\S]*?)<\/style>/)?.[1] ?? '';
  expect(page.match(/<style/g)).toHaveLength(1);
  const csp = page.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/)?.[1];
  expect(csp).toBe(`default-src 'none'; style-src ${hashSource(style)}; script-src ${hashSource(scriptOf(page)!)}; base-uri 'none'; form-action 'none'`);
  // Filter vocabularies are closed: verdicts, levels, and areas of the shape [a-z][a-z0-9-]*.
  for (const [, name, value] of page.matchAll(/data-(verdict|level|area|filter)="([^"]*)"/g)) expect(value).toMatch(/^[A-Za-z][A-Za-z0-9 -]*$/);
  for (const c of results.checks) expect(areaOf(c.id)).toMatch(/^[a-z][a-z0-9-]*$/);
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

  it('contains only its own pinned script and no unescaped target markup', () => {
    expectInert(html, results);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).not.toContain(HOSTILE);
  });

  it('loads no external resources', () => {
    // Every href is a local anchor or one of the checks' spec URLs.
    const specUrls = new Set(results.checks.map((c) => c.specUrl));
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) {
      const target = unescape(href!);
      expect(target.startsWith('#') || specUrls.has(target)).toBe(true);
    }
  });

  it('has one section per check result with its ID and version as anchor, failures and warnings first', () => {
    const ids = sectionIds(html);
    expect([...ids].sort()).toEqual(results.checks.map((c) => `${c.id}@${c.protocolVersion}`).sort());
    expect(new Set(ids).size).toBe(16);
    // Every local link leads to a check's section or to a requirement's matrix row.
    const rowIds = [...html.matchAll(/<tr id="([^"]*)">/g)].map((m) => unescape(m[1]!));
    for (const [, href] of html.matchAll(/href="#([^"]*)"/g)) expect(unescape(href!).startsWith('req-') ? rowIds : ids).toContain(unescape(href!));
    const verdicts = ids.map((id) => results.checks.find((c) => `${c.id}@${c.protocolVersion}` === id)!.verdict);
    expect(verdicts).toEqual(['fail', 'error', 'blocked', 'warn', 'skipped', 'info', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'not-applicable', 'not-applicable', 'not-applicable']);
    // The five that need attention sit under their heading, before the matrix; the rest after it.
    const attention = html.slice(html.indexOf('<h2 id="attention">'), html.indexOf('<h2 id="matrix">'));
    expect(sectionIds(attention)).toEqual(ids.slice(0, 5));
    expect(sectionIds(html.slice(html.indexOf('<h2 id="other-checks">')))).toEqual(ids.slice(5));
    // Within a verdict, the results' order stays.
    expect(ids.slice(6, 9)).toEqual(['session-id/assigned-on-initialize@2025-06-18', 'session-id/not-echoed-in-url@2025-06-18', 'session-id/assigned-on-initialize@2025-11-25']);
  });

  it('says when nothing needs attention', () => {
    const r = makeSampleResults();
    r.checks = r.checks.filter((c) => ['pass', 'info', 'not-applicable'].includes(c.verdict));
    const page = renderHtml(r);
    expect(page).toContain('<p class="none-left">None: no check is fail, error, blocked, warn or skipped.</p>');
    expect(page).toContain('<strong>Conformant at MUST level for 2025-06-18</strong>');
  });

  it('opens on the result statement per version, from the one statement function', () => {
    const items = [...html.matchAll(/<li class="statement st-([a-z-]+)" data-kind="([a-z-]+)" data-version="([^"]*)"><strong>([^<]*)<\/strong>/g)];
    expect(items.map((m) => [m[2], m[3], unescape(m[4]!)])).toEqual(resultStatements(results).map((s) => [s.kind, s.version, s.text]));
    expect(items.map((m) => m[4])).toEqual(['1 MUST failure for 2025-06-18; 1 SHOULD warning', 'Inconclusive for 2025-11-25: 1 MUST check not decided (error, blocked or skipped)']);
    expect(html.indexOf('class="statements"')).toBeLessThan(html.indexOf('<dl class="meta">'));
    expect(html).toContain('1 MUST checks passed, 1 failed, 0 not decided; 1 SHOULD warnings');
  });

  it('names the results.json by its hash, the date, suite version and the era with the versions of each path', () => {
    expect(html).toContain('<dt>SHA-256 of results.json</dt><dd>(not computed)</dd>');
    expect(renderHtml(results, { resultsSha256: 'ab'.repeat(32) })).toContain(`<dt>SHA-256 of results.json</dt><dd>${'ab'.repeat(32)}</dd>`);
    expect(html).toContain('<dt>Date</dt><dd>2025-11-30T10:00:00.000Z</dd>');
    expect(html).toContain('<dt>Suite version</dt><dd>0.1.0</dd>');
    expect(html).not.toContain('<dt>Era</dt>'); // results from before era detection
    const r = makeSampleResults();
    r.discovery = {
      revisions: [],
      negotiated: ['2025-06-18', '2025-11-25'],
      notNegotiated: [],
      sessionIds: 'issued',
      versionsChosen: 'requested',
      exchanges: [],
      era: { era: 'dual-era', sessionVersions: ['2025-06-18', '2025-11-25'], statelessVersions: ['2026-07-28', `<img src=x onerror=alert(1)>`], discover: 'DiscoverResult' },
    };
    const page = renderHtml(r);
    expect(page).toContain(
      `<dt>Era</dt><dd>dual-era (initialize negotiates 2025-06-18, 2025-11-25; server/discover lists 2026-07-28, ${escapeHtml('<img src=x onerror=alert(1)>')})</dd>`,
    );
    expectInert(page, r);
    r.discovery.era = { era: 'unknown', sessionVersions: [], statelessVersions: [], discover: 'timeout after 5000 ms', error: 'server/discover timed out' };
    expect(renderHtml(r)).toContain('<dt>Era</dt><dd>unknown (initialize negotiates no session-era revision; server/discover answered timeout after 5000 ms); server/discover timed out</dd>');
  });

  it('has filters by verdict, level and area over data attributes of closed vocabularies, hidden until the script runs', () => {
    const nav = html.match(/<nav id="filters" hidden[\s\S]*?<\/nav>/)?.[0] ?? '';
    const values = (name: string) => [...nav.matchAll(new RegExp(`data-filter="${name}" value="([^"]*)" checked`, 'g'))].map((m) => m[1]);
    expect(values('verdict')).toEqual(['pass', 'fail', 'warn', 'info', 'not-applicable', 'skipped', 'blocked', 'error']);
    expect(values('level')).toEqual(['MUST', 'MUST NOT', 'SHOULD', 'MAY', 'INFO']);
    expect(values('area')).toEqual(['session-delete', 'session-id']);
    expect(nav).toContain('<span id="shown-count">16</span> of 16 checks shown');
    expect(html).toContain('<section id="session-id/visible-ascii@2025-06-18" class="check v-fail" data-verdict="fail" data-level="MUST" data-area="session-id">');
    // Print hides the filters and opens every details.
    expect(html).toMatch(/@media print\{[\s\S]*#filters\{display:none!important\}[\s\S]*details::details-content\{content-visibility:visible;display:block\}/);
  });

  it('takes the area from the first segment of a check ID, and a closed word for anything else', () => {
    expect(areaOf('lifecycle.initialize.ordering/ping-before-initialize-refused')).toBe('lifecycle');
    expect(areaOf('http.session.delete-terminates/x')).toBe('http');
    expect(areaOf('session-id/visible-ascii')).toBe('session-id');
    expect(areaOf('<img src=x>.a/b')).toBe('other');
    expect(areaOf('"onmouseover=alert(1)//')).toBe('other');
    expect(areaOf('Upper.case/x')).toBe('other');
  });

  it('shows a transcript slice once per scenario run and links to it from a check with the same slice', () => {
    // At 2025-06-18, session-delete's three checks all cite exchange 1: the first shown holds it, the other two link to it.
    const sec = (id: string) => html.match(new RegExp(`<section id="${id.replace(/[./]/g, '\\$&')}"[\\s\\S]*?</section>`))?.[0] ?? '';
    const holders = ['delete-accepted', 'request-after-delete-404', 'reinitialize-after-delete'].map((s) => sec(`session-delete/${s}@2025-06-18`));
    expect(holders[0]).toMatch(/<details><summary>Transcript \(1 exchange\)<\/summary><pre>001 TX DELETE/);
    for (const h of holders.slice(1)) {
      expect(h).toContain('<p class="same">Transcript: the same 1 exchange as <a href="#session-delete/delete-accepted@2025-06-18">session-delete/delete-accepted@2025-06-18</a></p>');
      expect(h).not.toContain('<details>');
    }
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
    expect(html).toContain('<span class="badge v-pass">pass</span> <span data-count="pass">7</span>');
    expect(html).toContain('<span class="badge v-error">error</span> <span data-count="error">1</span>');
    // HTTP-SESS-008 is cited by delete-accepted and request-after-delete-404: worst is n/a at 06-18, error at 11-25.
    const row = html.match(/<tr id="req-HTTP-SESS-008"><th scope="row">HTTP-SESS-008 <span class="req-level">MUST \(C\); the server has to make this work<\/span><\/th>(.*?)<\/tr>/s)?.[1] ?? '';
    // The catalog's title; the checks citing it, by title, each linking to its worst verdict's section; then the worst verdict per version.
    expect(row).toMatch(
      /^<td class="req-title">After a 404, the client starts a new session with a fresh initialize carrying no session id<\/td><td class="req-checks"><a href="#session-delete\/delete-accepted@2025-11-25">DELETE with the session ID terminates the session<\/a><br><a href="#session-delete\/request-after-delete-404@2025-11-25">Requests with a terminated session ID get 404<\/a><\/td>/,
    );
    expect(row).toMatch(/<td><a class="badge v-not-applicable" href="#session-delete\/delete-accepted@2025-06-18">not-applicable<\/a><\/td>/);
    expect(row).toMatch(/<td><a class="badge v-error" href="#session-delete\/delete-accepted@2025-11-25">error<\/a><\/td>$/);
    const rows = [...html.matchAll(/<tr id="req-[^"]*"><th scope="row">([^<]*)/g)].map((m) => m[1]!.trim());
    expect(rows).toEqual(['HTTP-SESS-001', 'HTTP-SESS-002', 'HTTP-SESS-003', 'HTTP-SESS-004', 'HTTP-SESS-005', 'HTTP-SESS-006', 'HTTP-SESS-007', 'HTTP-SESS-008', 'HTTP-SSE-010']);
  });

  it('shows the catalog level and title of each requirement in the matrix, escaped, and none where the catalog gives none', () => {
    expect(html).toContain('<thead><tr><th>Requirement</th><th>Title</th><th>Checks citing it</th><th>2025-06-18</th><th>2025-11-25</th></tr></thead>');
    const rowOf = (page: string, id: string) => page.match(new RegExp(`<tr id="req-${id}">(.*?)</tr>`, 's'))?.[1] ?? '';
    // Target-looking markup in a title or level is text.
    expect(rowOf(html, 'HTTP-SESS-005')).toContain(`<td class="req-title">${escapeHtml(SAMPLE_REQUIREMENTS['HTTP-SESS-005']!.title)}</td>`);
    expect(rowOf(html, 'HTTP-SESS-003')).toContain(`<span class="req-level">${escapeHtml(SAMPLE_REQUIREMENTS['HTTP-SESS-003']!.level)}</span>`);
    expect(html).not.toContain(SAMPLE_REQUIREMENTS['HTTP-SESS-005']!.title);
    // Every requirement the results describe has its title in its row.
    for (const [id, r] of Object.entries(SAMPLE_REQUIREMENTS)) expect(rowOf(html, id)).toContain(`<td class="req-title">${escapeHtml(r.title)}</td>`);
    // HTTP-SSE-010 is not in the catalog: no level, an empty title cell.
    expect(rowOf(html, 'HTTP-SSE-010')).toMatch(/^<th scope="row">HTTP-SSE-010<\/th><td class="none">—<\/td><td class="req-checks">/);
    // An entry with an empty title or level (a bare catalog list) shows neither.
    const bare = makeSampleResults();
    bare.requirements = { ...bare.requirements, 'HTTP-SESS-001': { title: '', level: '', source: '' } };
    expect(rowOf(renderHtml(bare), 'HTTP-SESS-001')).toMatch(/^<th scope="row">HTTP-SESS-001<\/th><td class="none">—<\/td><td class="req-checks">/);
    // Results without requirements (written before titles existed): no Title column, IDs only.
    const old = makeSampleResults();
    delete old.requirements;
    const page = renderHtml(old);
    expect(page).toContain('<thead><tr><th>Requirement</th><th>Checks citing it</th><th>2025-06-18</th>');
    expect(page).not.toContain('req-title');
    expect(page).not.toContain('req-level">');
    expect(rowOf(page, 'HTTP-SESS-008')).toMatch(/^<th scope="row">HTTP-SESS-008<\/th><td class="req-checks">/);
    expectInert(page, old);
  });

  it('details each check with expected, observed, spec link and transcript', () => {
    const section = html.match(/<section id="session-id\/visible-ascii@2025-06-18"[\s\S]*?<\/section>/)?.[0] ?? '';
    expect(section).toContain('<span class="badge v-fail">fail</span>');
    expect(section).toContain('<dt>Level</dt><dd>MUST</dd>');
    expect(section).toContain('<a href="#req-HTTP-SESS-002"><code>HTTP-SESS-002</code></a>, <a href="#req-HTTP-SESS-003"><code>HTTP-SESS-003</code></a>');
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
    expectInert(page, stdio);
    expect(page).not.toContain(HOSTILE);
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
    expect(sectionIds(page).sort()).toEqual(stdio.checks.map((c) => `${c.id}@${c.protocolVersion}`).sort());
    expect(page).toContain('<td><code>transports.stdio.shutdown@2025-11-25</code></td>');
  });
});
