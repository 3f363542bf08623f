import { describe, it, expect } from 'vitest';
import { create } from 'xmlbuilder2';
import type { RunResults } from '../harness/model/results.js';
import { renderJUnit, xmlSafe } from './junit.js';
import { HOSTILE, makeSampleResults, makeStdioSampleResults, STDIO_COMMAND, STDIO_STDERR } from './sample-results.js';

/** The slice of the DOM that xmlbuilder2's parser returns and these tests read (the project has no DOM lib). */
interface XElement {
  tagName: string;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
  getElementsByTagName(tag: string): ArrayLike<XElement>;
}
/** A parsed XML document (see {@link XElement}). */
interface XDocument {
  documentElement: XElement;
  getElementsByTagName(tag: string): ArrayLike<XElement>;
}

/** Parses JUnit XML back into a DOM document. */
function parse(xml: string): XDocument {
  return create(xml).node as unknown as XDocument;
}

function elements(doc: XDocument | XElement, tag: string): XElement[] {
  return Array.from(doc.getElementsByTagName(tag));
}

function testcase(doc: XDocument, name: string): XElement {
  const tc = elements(doc, 'testcase').find((e) => e.getAttribute('name') === name);
  if (!tc) throw new Error(`no testcase ${name}`);
  return tc;
}

describe('xmlSafe', () => {
  it('strips characters illegal in XML 1.0 and keeps everything else', () => {
    expect(xmlSafe('a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg')).toBe('abcdefg');
    expect(xmlSafe('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
    expect(xmlSafe('x\uFFFEy\uFFFFz')).toBe('xyz');
    expect(xmlSafe('lone \uD800 high, lone \uDC00 low')).toBe('lone  high, lone  low');
    expect(xmlSafe('pair 😀 kept, é, \u0085, \u007F')).toBe('pair 😀 kept, é, \u0085, \u007F');
    expect(xmlSafe(HOSTILE)).toBe(HOSTILE); // markup is the serialiser's job
  });
});

describe('renderJUnit', () => {
  const results = makeSampleResults();

  it('parses back with one testsuite per scenario run and one testcase per check', () => {
    const doc = parse(renderJUnit(results));
    const root = doc.documentElement;
    expect(root.tagName).toBe('testsuites');
    expect(root.getAttribute('name')).toBe('mcp-session-conformance');
    expect(root.getAttribute('tests')).toBe('16');
    expect(root.getAttribute('failures')).toBe('1');
    expect(root.getAttribute('errors')).toBe('1');
    expect(root.getAttribute('skipped')).toBe('5');
    expect(root.getAttribute('time')).toBe('6.543');

    const suites = elements(doc, 'testsuite');
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(results.scenarios.map((r) => `${r.id} @${r.protocolVersion}`));
    expect(elements(doc, 'testcase')).toHaveLength(results.checks.length);
    expect(elements(doc, 'failure')).toHaveLength(1);
    expect(elements(doc, 'error')).toHaveLength(1);
    expect(elements(doc, 'skipped')).toHaveLength(5);

    // Per-suite counts agree with the elements inside each suite.
    for (const s of suites) {
      const count = (tag: string) => s.getElementsByTagName(tag).length;
      expect(Number(s.getAttribute('tests'))).toBe(count('testcase'));
      expect(Number(s.getAttribute('failures'))).toBe(count('failure'));
      expect(Number(s.getAttribute('errors'))).toBe(count('error'));
      expect(Number(s.getAttribute('skipped'))).toBe(count('skipped'));
      expect(s.getAttribute('timestamp')).toBe('2025-11-30T10:00:00');
    }
  });

  it('records scenario, target and spec properties', () => {
    const doc = parse(renderJUnit(results));
    const suite = elements(doc, 'testsuite')[0]!;
    const props = elements(suite, 'property').map((p) => [p.getAttribute('name'), p.getAttribute('value')]);
    expect(props).toContainEqual(['scenario.id', 'session-id']);
    expect(props).toContainEqual(['scenario.file', 'suites/session/session-id.yaml']);
    expect(props).toContainEqual(['protocolVersion', '2025-06-18']);
    expect(props).toContainEqual(['transport', 'streamable-http']);
    expect(props).toContainEqual(['target.url', 'http://127.0.0.1:3917/mcp']);
    expect(props).toContainEqual(['target.command', 'node server.js --port 3917']);
    expect(props.filter(([n]) => n === 'target.cwd' || n === 'target.env')).toEqual([]);
    expect(props).toContainEqual(['suite.version', '0.1.0']);
    expect(props.filter(([n]) => n === 'spec.req').map(([, v]) => v)).toEqual([
      'HTTP-SESS-001', 'HTTP-SESS-002', 'HTTP-SESS-003', 'HTTP-SESS-004', 'HTTP-SESS-006', 'HTTP-SSE-010',
    ]);
    expect(props.filter(([n]) => n === 'spec.url')).toHaveLength(2);
  });

  it('maps fail to <failure> with requirement details and the transcript slice', () => {
    const doc = parse(renderJUnit(results));
    const tc = testcase(doc, 'visible-ascii [2025-06-18]');
    expect(tc.getAttribute('classname')).toBe('session-id');
    expect(tc.getAttribute('file')).toBe('suites/session/session-id.yaml');
    const failure = tc.getElementsByTagName('failure')[0]!;
    expect(failure.getAttribute('type')).toBe('MUST');
    expect(failure.getAttribute('message')).toMatch(/^MUST: expected session ID of visible ASCII .*, observed session ID /);
    expect(failure.textContent).toContain('Requirement: Session ID contains only visible ASCII characters');
    expect(failure.textContent).toContain('Requirements: HTTP-SESS-002, HTTP-SESS-003');
    expect(failure.textContent).toContain('Spec: https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#session-management');
    const out = tc.getElementsByTagName('system-out')[0]!.textContent ?? '';
    expect(out).toContain('000 TX POST http://127.0.0.1:3917/mcp');
    expect(out).not.toContain('001 TX'); // only the check's slice
  });

  it('gives each testcase the time of the exchanges that decided it (its transcript slice), 0 without one', () => {
    const doc = parse(renderJUnit(results));
    // delete-accepted at 2025-11-25 was decided by the DELETE that timed out after 5000 ms; at 2025-06-18 by a 6 ms 405.
    expect(testcase(doc, 'delete-accepted [2025-11-25]').getAttribute('time')).toBe('5.000');
    expect(testcase(doc, 'delete-accepted [2025-06-18]').getAttribute('time')).toBe('0.006');
    // A check blocked before any exchange of its own took no time.
    const blocked = Array.from(doc.getElementsByTagName('testcase')).find((t) => t.getElementsByTagName('skipped')[0]?.getAttribute('message')?.includes('prerequisite-not-met'));
    expect(blocked?.getAttribute('time')).toBe('0.000');
  });

  it('maps error, skipped-like verdicts and info', () => {
    const doc = parse(renderJUnit(results));
    const error = testcase(doc, 'delete-accepted [2025-11-25]').getElementsByTagName('error')[0]!;
    expect(error.getAttribute('type')).toBe('timeout');
    expect(testcase(doc, 'delete-accepted [2025-11-25]').textContent).toContain('001 !! timeout: no response headers within 5000 ms');
    expect(testcase(doc, 'delete-accepted [2025-06-18]').getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'not-applicable: delete-not-supported',
    );
    expect(testcase(doc, 'request-after-delete-404 [2025-11-25]').getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'blocked: prerequisite-not-met',
    );
    expect(testcase(doc, 'reinitialize-after-delete [2025-11-25]').getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
      'skipped: scenario-ended-early',
    );
    const info = testcase(doc, 'get-stream [2025-06-18]');
    expect(info.getElementsByTagName('failure')).toHaveLength(0);
    expect(info.getElementsByTagName('system-out')[0]!.textContent).toMatch(/^\[INFO\] /);
    expect(testcase(doc, 'get-stream [2025-11-25]').childNodes).toHaveLength(0); // pass: empty testcase
  });

  it('reports warn as passing unless strict', () => {
    const lax = testcase(parse(renderJUnit(results)), 'missing-header-rejected [2025-06-18]');
    expect(lax.getElementsByTagName('failure')).toHaveLength(0);
    expect(lax.getElementsByTagName('system-out')[0]!.textContent).toMatch(/^\[WARN\] SHOULD: expected HTTP 400 Bad Request, observed /);

    const strictDoc = parse(renderJUnit(results, { strict: true }));
    const strict = testcase(strictDoc, 'missing-header-rejected [2025-06-18]');
    expect(strict.getElementsByTagName('failure')[0]!.getAttribute('type')).toBe('SHOULD');
    expect(strictDoc.documentElement.getAttribute('failures')).toBe('2');
    expect(elements(strictDoc, 'failure')).toHaveLength(2);
  });

  it('escapes hostile target text and contains no raw illegal characters', () => {
    const xml = renderJUnit(results);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).not.toMatch(/\p{Cs}/u);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('<![CDATA[');
    // The hostile text survives the round trip (minus the illegal U+0001).
    const out = testcase(parse(xml), 'missing-header-rejected [2025-06-18]').textContent ?? '';
    expect(out).toContain(`observed HTTP 200 with body "oops ${HOSTILE}"`);
  });

  it('survives illegal characters in every kind of field', () => {
    const r: RunResults = makeSampleResults();
    const nasty = 'x\u0000\u0001\uD800\uFFFF]]>';
    r.scenarios[0]!.file = nasty;
    r.target.url = nasty;
    r.suiteVersion = nasty;
    r.checks[1]!.reason = nasty;
    r.checks[1]!.observed = nasty.repeat(500); // long message attribute
    r.checks[1]!.requirements.push(nasty);
    const xml = renderJUnit(r);
    expect(xml).not.toMatch(/[\u0000-\u0008\uFFFF]|\p{Cs}/u);
    expect(elements(parse(xml), 'testcase')).toHaveLength(16);
  });

  it('reports a check listed by a run but missing from results as an error', () => {
    const r = makeSampleResults();
    r.checks = r.checks.filter((c) => !(c.id === 'session-id/get-stream' && c.protocolVersion === '2025-06-18'));
    const doc = parse(renderJUnit(r));
    const tc = testcase(doc, 'get-stream [2025-06-18]');
    expect(tc.getElementsByTagName('error')[0]!.getAttribute('type')).toBe('missing-result');
    expect(doc.documentElement.getAttribute('errors')).toBe('2');
  });

  describe('a stdio run', () => {
    const stdio = makeStdioSampleResults();
    const xml = renderJUnit(stdio);
    const doc = parse(xml);

    it('carries the transport, the command, its cwd and the env names (no values) in every suite', () => {
      const suites = elements(doc, 'testsuite');
      expect(suites).toHaveLength(3);
      for (const suite of suites) {
        const props = elements(suite, 'property').map((p) => [p.getAttribute('name'), p.getAttribute('value')]);
        expect(props).toContainEqual(['transport', 'stdio']);
        expect(props).toContainEqual(['target.url', 'stdio:']);
        expect(props).toContainEqual(['target.command', STDIO_COMMAND]); // markup round-trips, escaped by the serialiser
        expect(props).toContainEqual(['target.cwd', '/srv/mcp']);
        expect(props.filter(([n]) => n === 'target.env').map(([, v]) => v)).toEqual(['API_TOKEN', 'DEBUG']);
      }
      expect(xml).not.toContain('<b>hi</b>');
    });

    it('puts the stdio transcript, exit and stderr tail of an exited server in the error', () => {
      const tc = testcase(doc, 'request-before-initialize-refused [2025-11-25]');
      expect(tc.getElementsByTagName('error')[0]!.getAttribute('type')).toBe('exited');
      const out = tc.getElementsByTagName('system-out')[0]!.textContent ?? '';
      expect(out).toContain('001 TX STDIN  (tools-list-first)');
      expect(out).toContain('001 -- process 2 exited with code 3 at 944 ms');
      expect(out).toContain('001 -- stderr of process 2 (tail, never judged):\n    fatal: received tools/list before initialize; exiting');
      expect(testcase(doc, 'initialize-after-early-requests-succeeds [2025-11-25]').getElementsByTagName('skipped')[0]!.getAttribute('message')).toBe(
        'blocked: exited',
      );
    });

    it('keeps hostile stdout and stderr inert and well-formed', () => {
      expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
      expect(xml).not.toContain('<script>');
      expect(STDIO_STDERR).toContain('\u001b');
      const info = testcase(doc, 'exits-after-sigterm [2025-11-25]').getElementsByTagName('system-out')[0]!.textContent ?? '';
      expect(info).toContain('002 TX SIGNAL SIGTERM');
      expect(info).toContain(`    \\u001B[31mfatal\\u001B[0m: ${HOSTILE}`);
      const warn = testcase(doc, 'exits-after-stdin-closed [2025-11-25]').getElementsByTagName('system-out')[0]!.textContent ?? '';
      expect(warn).toMatch(/^\[WARN\] SHOULD: /);
      expect(warn).toContain('001 TX CLOSE-STDIN  (close-stdin)');
    });
  });
});
