import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadScenario, loadSuite, loadRequirementIds, ScenarioError, capVerdict, badVerdictFor } from './loader.js';
import { SUITES_DIR } from '../model/paths.js';
import type { Scenario } from '../model/scenario.js';

const CATALOG = join(SUITES_DIR, '_catalog', 'requirements.yaml');
const IDS = loadRequirementIds(CATALOG);
/** A scenario that does not exist on disk: its text is passed in; macros come from SUITES_DIR. */
const FAKE = join(SUITES_DIR, '__loader-test__', 'sample.yaml');
const FILE = '__loader-test__/sample.yaml';

function load(text: string): Scenario {
  return loadScenario(FAKE, SUITES_DIR, IDS, undefined, text);
}

/** The ScenarioError `text` raises (fails the test when it loads or throws anything else). */
function errorOf(text: string): ScenarioError {
  try {
    load(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw new Error(`expected a ScenarioError, got ${String(e)}`);
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}

/** A valid scenario; the line numbers below are those of this text. */
const BASE_LINES = [
  /*  1 */ 'id: test.loader.sample',
  /*  2 */ 'title: A sample scenario for loader tests',
  /*  3 */ 'versions: { from: "2025-03-26" }',
  /*  4 */ 'checks:',
  /*  5 */ '  - id: first-check',
  /*  6 */ '    title: First check',
  /*  7 */ '    level: MUST',
  /*  8 */ '    requirements: [HTTP-SESS-006]',
  /*  9 */ '    spec: basic/transports#session-management',
  /* 10 */ '  - id: second-check',
  /* 11 */ '    title: Second check',
  /* 12 */ '    level: SHOULD',
  /* 13 */ '    requirements: [HTTP-SESS-005, LIFE-INIT-002]',
  /* 14 */ '    spec: basic/lifecycle#initialization',
  /* 15 */ 'steps:',
  /* 16 */ '  - use: open-session',
  /* 17 */ '  - id: ping',
  /* 18 */ '    http:',
  /* 19 */ '      jsonrpc: { method: ping }',
  /* 20 */ '    expect:',
  /* 21 */ '      first-check: { status: 200 }',
  /* 22 */ '    outcomes:',
  /* 23 */ '      - when: { status: 200 }',
  /* 24 */ '        record: { second-check: pass }',
  /* 25 */ '      - otherwise: true',
  /* 26 */ '        record: { second-check: warn }',
];
const BASE = `${BASE_LINES.join('\n')}\n`;

/** BASE with line n (1-based) replaced by the given line(s); `[]` deletes it. */
function edit(changes: Record<number, string | string[]>): string {
  const out: string[] = [];
  BASE_LINES.forEach((line, i) => {
    const c = changes[i + 1];
    out.push(...(c === undefined ? [line] : [c].flat()));
  });
  return `${out.join('\n')}\n`;
}

function expectError(text: string, line: number, col: number, problem: string | RegExp): ScenarioError {
  const e = errorOf(text);
  expect(e.file).toBe(FILE);
  expect({ line: e.line, col: e.col }).toEqual({ line, col });
  if (typeof problem === 'string') expect(e.problem).toContain(problem);
  else expect(e.problem).toMatch(problem);
  expect(e.message).toBe(`${FILE}:${line}:${col}: ${e.problem}`);
  expect(e.toString()).toBe(`ScenarioError: ${FILE}:${line}:${col}: ${e.problem}`);
  return e;
}

describe('the bundled suite', () => {
  it('loads, every scenario has checks and steps, IDs are unique', () => {
    const suite = loadSuite(SUITES_DIR);
    expect(suite.length).toBeGreaterThanOrEqual(7);
    const ids = suite.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of suite) {
      expect(s.checks.length, s.file).toBeGreaterThanOrEqual(1);
      expect(s.steps.length, s.file).toBeGreaterThanOrEqual(1);
      expect(s.file.startsWith('_'), s.file).toBe(false);
      expect(s.file.endsWith('.yaml'), s.file).toBe(true);
      const slugs = s.checks.map((c) => c.id);
      expect(new Set(slugs).size, s.file).toBe(slugs.length);
      const stepIds = s.steps.map((st) => st.id);
      expect(new Set(stepIds).size, s.file).toBe(stepIds.length);
      for (const c of s.checks) for (const r of c.requirements) expect(IDS.has(r), `${s.id}/${c.id} ${r}`).toBe(true);
    }
  });

  it('expands macros into prefixed steps with their source', () => {
    const s = load(BASE);
    expect(s.id).toBe('test.loader.sample');
    expect(s.file).toBe(FILE);
    expect(s.path).toBe(FAKE);
    expect(s.steps.map((x) => x.id)).toEqual(['open-session.initialize', 'open-session.negotiated-version-under-test', 'open-session.initialized', 'ping']);
    expect(s.steps.map((x) => x.source)).toEqual(['_steps/open-session.yaml:steps.0', '_steps/open-session.yaml:steps.1', '_steps/open-session.yaml:steps.2', 'steps.1']);
    expect(s.steps[0]!.capture).toEqual({ sessionId: { session: true }, negotiatedVersion: { pointer: '/result/protocolVersion' } });
    expect(s.checks.map((c) => [c.id, c.level])).toEqual([
      ['first-check', 'MUST'],
      ['second-check', 'SHOULD'],
    ]);
    // Internal bookkeeping does not leak into the loaded steps.
    for (const st of s.steps) expect(Object.keys(st).some((k) => k.startsWith('_')), st.id).toBe(false);
  });
});

describe('verdict levels', () => {
  it('badVerdictFor and capVerdict follow the level', () => {
    expect(badVerdictFor('MUST')).toBe('fail');
    expect(badVerdictFor('MUST NOT')).toBe('fail');
    expect(badVerdictFor('SHOULD')).toBe('warn');
    expect(badVerdictFor('SHOULD NOT')).toBe('warn');
    expect(badVerdictFor('MAY')).toBe('info');
    expect(badVerdictFor('INFO')).toBe('info');
    expect(capVerdict('fail', 'SHOULD')).toBe('warn');
    expect(capVerdict('fail', 'INFO')).toBe('info');
    expect(capVerdict('warn', 'MAY')).toBe('info');
    expect(capVerdict('fail', 'MUST')).toBe('fail');
    expect(capVerdict('info', 'MUST')).toBe('info');
    expect(capVerdict('pass', 'INFO')).toBe('pass');
    expect(capVerdict('error', 'INFO')).toBe('error');
    expect(capVerdict('not-applicable', 'SHOULD')).toBe('not-applicable');
  });
});

describe('scenario errors are located and named', () => {
  it('YAML syntax: an unclosed flow map', () => {
    expectError(edit({ 3: 'versions: { from: "2025-03-26"' }), 4, 1, 'invalid YAML: Flow map');
  });

  it('YAML syntax: a badly indented key', () => {
    expectError(edit({ 6: '   title: First check' }), 6, 1, 'invalid YAML');
  });

  it('YAML syntax: tabs as indentation', () => {
    expectError(edit({ 7: '\tlevel: MUST' }), 7, 1, 'invalid YAML: Tabs are not allowed');
  });

  it('YAML: duplicate keys', () => {
    expectError(edit({ 8: '    title: Again' }), 8, 5, 'invalid YAML: Map keys must be unique');
  });

  it('YAML: an alias without its anchor', () => {
    expectError(edit({ 19: '      jsonrpc: *nope' }), 19, 16, /invalid YAML: .*alias.*nope/i);
  });

  it('YAML: an alias bomb', () => {
    const bomb = [
      'id: test.loader.bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const e = errorOf(bomb);
    expect(e.problem).toMatch(/invalid YAML: .*alias/i);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('YAML: several documents', () => {
    expectError(`${BASE}---\nid: other.doc\n`, 27, 1, 'invalid YAML');
  });

  it('an unknown top-level key', () => {
    expectError(edit({ 26: [BASE_LINES[25]!, 'colour: red'] }), 27, 1, 'schema: unknown key "colour" at top level');
  });

  it('an unknown key inside a check', () => {
    expectError(edit({ 9: [BASE_LINES[8]!, '    colour: red'] }), 10, 5, 'schema: unknown key "colour" at checks.0');
  });

  it('missing checks', () => {
    const noChecks = edit(Object.fromEntries([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((n) => [n, []])));
    expectError(noChecks, 1, 1, 'schema: missing required key "checks" at top level');
  });

  it('an empty checks list', () => {
    const empty = edit({ 4: 'checks: []', ...Object.fromEntries([5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((n) => [n, []])) });
    expectError(empty, 4, 9, /schema: at checks: must NOT have fewer than 1 items/);
  });

  it('a bad level value', () => {
    const e = expectError(edit({ 7: '    level: MUSTY' }), 7, 12, 'schema: at checks.0.level: must be one of');
    expect(e.problem).toContain('"SHOULD NOT"');
  });

  it('a bad scenario ID', () => {
    expectError(edit({ 1: 'id: NoDots' }), 1, 5, 'schema: at id: must match pattern');
  });

  it('an unknown requirement ID', () => {
    expectError(edit({ 13: '    requirements: [HTTP-SESS-005, ZZZ-999]' }), 13, 35, 'unknown requirement ID "ZZZ-999"');
  });

  it('a duplicate check ID', () => {
    expectError(edit({ 10: '  - id: first-check' }), 10, 9, 'duplicate check id "first-check"');
  });

  it('a duplicate step ID', () => {
    expectError(edit({ 16: ['  - id: ping', '    http: { jsonrpc: { method: ping } }'] }), 18, 9, 'duplicate step id "ping"');
  });

  it('a macro used twice (duplicate expanded step IDs) is reported at the second use', () => {
    expectError(edit({ 16: ['  - use: open-session', '  - use: open-session'] }), 17, 10, 'duplicate step id "open-session.initialize"');
  });

  it('a step recording a check that is not declared', () => {
    expectError(edit({ 21: '      third-check: { status: 200 }' }), 21, 7, '"third-check" is not a check declared in this scenario');
    expectError(edit({ 24: '        record: { nope: pass }' }), 24, 19, '"nope" is not a check declared in this scenario');
  });

  it('a verdict more severe than the level allows', () => {
    expectError(
      edit({ 26: '        record: { second-check: fail }' }),
      26,
      33,
      'verdict "fail" is more severe than a SHOULD check ("second-check") allows (at most "warn")',
    );
    expectError(edit({ 12: '    level: INFO' }), 26, 33, 'verdict "warn" is more severe than a INFO check ("second-check") allows (at most "info")');
    expectError(edit({ 12: '    level: MAY', 26: '        record: { second-check: fail }' }), 26, 33, 'at most "info"');
  });

  it('allows a severe verdict when the check escalates to a stricter level', () => {
    const s = load(edit({ 14: [BASE_LINES[13]!, '    escalate: { from: "2025-06-18", level: MUST }'], 26: '        record: { second-check: fail }' }));
    expect(s.checks[1]!.escalate).toEqual({ from: '2025-06-18', level: 'MUST' });
    // Non-failing verdicts are always allowed.
    expect(() => load(edit({ 12: '    level: INFO', 26: '        record: { second-check: info }' }))).not.toThrow();
    expect(() => load(edit({ 12: '    level: INFO', 26: '        record: { second-check: not-applicable }' }))).not.toThrow();
  });

  it('{{var}} used before any step captures it, located at the string', () => {
    expectError(
      edit({ 19: '      jsonrpc: { method: ping, params: { token: "{{secret}}" } }' }),
      19,
      49,
      '{{secret}} is used before any step captures it',
    );
    expectError(edit({ 18: '    http:', 19: ['      headers: { X-Token: "t-{{later}}" }', '      jsonrpc: { method: ping }'] }), 19, 27, '{{later}}');
  });

  it('{{var}} captured by an earlier step or built in is fine', () => {
    const s = load(edit({ 19: '      jsonrpc: { method: ping, params: { s: "{{sessionId}}", v: "{{negotiatedVersion}}", u: "{{uuid}}", p: "{{protocolVersion}}" } }' }));
    expect(s.steps.at(-1)!.http!.jsonrpc!.params).toEqual({ s: '{{sessionId}}', v: '{{negotiatedVersion}}', u: '{{uuid}}', p: '{{protocolVersion}}' });
  });

  it('a step capturing a variable it uses itself is rejected', () => {
    const text = edit({ 19: ['      headers: { X-Self: "{{mine}}" }', '      jsonrpc: { method: ping }', '    capture: { mine: { status: true } }'] });
    expectError(text, 19, 26, '{{mine}} is used before any step captures it');
  });

  it('a matcher naming a variable nothing captured', () => {
    expectError(edit({ 21: '      first-check: { captured: { nope: present } }' }), 21, 34, 'matcher refers to "nope", which no step up to here captures');
    expectError(edit({ 23: '      - when: { header: { x-id: "{{ghost}}" } }' }), 23, 33, 'matcher refers to "ghost"');
  });

  it('a macro used before the macro that captures what it needs is reported at the use', () => {
    const e = expectError(edit({ 16: '  - use: stateful-only' }), 16, 10, 'matcher refers to "sessionId", which no step up to here captures');
    // The message also points into the macro file.
    expect(e.problem).toContain('_steps/stateful-only.yaml:9:27');
  });

  it('a wait step takes a number or exactly one variable, and nothing that sends or judges', () => {
    expect(() => load(BASE.replace('steps:\n', 'steps:\n  - wait: 10\n  - wait: "{{sessionTtlMs}}"\n'))).not.toThrow();
    expect(errorOf(BASE.replace('steps:\n', 'steps:\n  - wait: "soon"\n')).problem).toMatch(/wait/);
    expect(errorOf(BASE.replace('steps:\n', 'steps:\n  - wait: "{{later}}"\n')).problem).toMatch(/\{\{later\}\} is used before any step captures it/);
  });

  it('an unknown probe', () => {
    expectError(edit({ 18: '    probe: nope', 19: '    with: { count: 2 }' }), 18, 12, 'unknown probe "nope" (known: ');
  });

  it('a known probe loads', () => {
    const s = load(edit({ 18: '    probe: session-ids', 19: '    with: { count: 2 }' }));
    expect(s.steps.at(-1)!.probe).toBe('session-ids');
    expect(s.steps.at(-1)!.with).toEqual({ count: 2 });
  });

  it('an unknown macro', () => {
    expectError(edit({ 16: '  - use: nope' }), 16, 10, 'unknown macro "nope"');
  });

  it('a schema matcher naming no message schema', () => {
    expectError(edit({ 21: '      first-check: { schema: "initialize#/$defs/no-such-rule" }' }), 21, 30, 'no message schema "initialize#/$defs/no-such-rule"');
  });

  it('a macro given a parameter it does not declare', () => {
    expectError(edit({ 16: '  - { use: open-session, with: { a: 1 } }' }), 16, 34, 'unknown parameter "a" of macro "open-session" (its parameters: ');
  });

  it('a declared check that no step records', () => {
    expectError(edit({ 21: '      second-check: { status: 200 }' }), 5, 9, 'check "first-check" is never recorded by any step');
  });

  it('"otherwise" not last', () => {
    expectError(edit({ 23: '      - otherwise: true', 25: '      - when: { status: 200 }' }), 23, 9, '"otherwise" must be the last outcome');
  });

  describe('guards before passes', () => {
    /** BASE's ladder (lines 23-26) with a guard rung for second-check inserted at line 25. */
    const withGuardAfterPass = (verdict: string) =>
      edit({ 25: ['      - when: { status: 404 }', `        record: { second-check: ${verdict} }`, '        reason: method-not-served', BASE_LINES[24]!] });

    it('a scenario that lists stdio must be transport-neutral: no http step, no HTTP matcher or capture, no HTTP probe', () => {
      const neutral = (changes: Record<number, string | string[]>) => edit({ 3: [BASE_LINES[2]!, 'transports: [streamable-http, stdio]'], ...changes });
      // With the transports line inserted, the http step's value starts at line 20 and the status expectation is on line 22.
      expectError(neutral({}), 20, 7, 'the scenario lists transport stdio, so it must be transport-neutral (or the step, rung or check declares transports: [streamable-http]): an http step is Streamable HTTP only (use send)');
      expectError(neutral({ 18: '    send: { method: ping }', 19: [] }), 21, 20, 'the matcher "status" is Streamable HTTP only');
      const ok = load(
        neutral({ 18: '    send: { method: ping }', 19: [], 21: '      first-check: { accepted: true, result: present }', 23: '      - when: { error: absent }' }),
      );
      expect(ok.transports).toEqual(['streamable-http', 'stdio']);
      expect(ok.steps.find((x) => x.id === 'ping')!.send).toEqual({ method: 'ping' });
      // A window belongs to a send step only.
      const windowed = load(neutral({ 18: ['    send: { method: ping }', '    window: 250'], 19: [], 21: '      first-check: { accepted: true }', 23: '      - when: { error: absent }' }));
      expect(windowed.steps.find((x) => x.id === 'ping')!.window).toBe(250);
      expect(errorOf(edit({ 18: ['    window: 250', BASE_LINES[17]!] })).problem).toMatch(/window/);
      // The bundled open-session macro is neutral itself: its steps pass the same lint.
      expect(ok.steps.filter((x) => x.id.startsWith('open-session.')).every((x) => x.http === undefined)).toBe(true);
    });

    it('a GET step, or a probe that opens GET streams, needs holds: [get-stream] on the scenario', () => {
      expectError(edit({ 18: ['    http:', '      method: GET', '      windowMs: 100'], 19: [] }), 19, 15, 'this step sends a GET, which may open the server\'s GET stream: declare "holds: [get-stream]"');
      expectError(edit({ 18: '    probe: get-stream-requests', 19: [] }), 18, 12, 'probe get-stream-requests opens GET streams: declare "holds: [get-stream]"');
      const held = load(edit({ 3: [BASE_LINES[2]!, 'holds: [get-stream]'], 18: ['    http:', '      method: GET', '      windowMs: 100'], 19: [] }));
      expect(held.holds).toEqual(['get-stream']);
    });

    it('a not-applicable guard after a pass for the same check is rejected where the guard records it', () => {
      const e = expectError(withGuardAfterPass('not-applicable'), 26, 33, 'guard after a pass: this rung records "not-applicable" for "second-check"');
      expect(e.problem).toContain('the rung at line 23 already records "pass" for it');
    });

    it('a blocked guard after a pass is rejected too', () => {
      expectError(withGuardAfterPass('blocked'), 26, 33, 'guard after a pass: this rung records "blocked" for "second-check"');
    });

    it('the same rungs with the guard first load', () => {
      const text = edit({
        23: ['      - when: { status: 404 }', '        record: { second-check: not-applicable }', '        reason: method-not-served', BASE_LINES[22]!],
      });
      const s = load(text);
      expect(s.steps.find((x) => x.id === 'ping')!.outcomes!.map((o) => o.record['second-check'])).toEqual(['not-applicable', 'pass', 'warn']);
    });

    it('an otherwise rung is no guard, and a pass for another check does not count', () => {
      expect(() => load(edit({ 26: '        record: { second-check: not-applicable }' }))).not.toThrow();
      expect(() =>
        load(
          edit({
            24: '        record: { first-check: pass }',
            25: ['      - when: { status: 404 }', '        record: { second-check: not-applicable }', '        reason: method-not-served', BASE_LINES[24]!],
          }),
        ),
      ).not.toThrow();
    });

    it('a fail or warn rung before a guard is fine: only a pass may not precede it', () => {
      expect(() =>
        load(edit({ 24: '        record: { second-check: warn }', 25: ['      - when: { status: 404 }', '        record: { second-check: not-applicable }', '        reason: method-not-served', BASE_LINES[24]!] })),
      ).not.toThrow();
    });

    it('every ladder of the bundled suite puts its guards first', () => {
      expect(() => loadSuite(SUITES_DIR)).not.toThrow();
    });
  });

  it('an outcome with both when and otherwise', () => {
    const e = errorOf(edit({ 25: '      - { when: { status: 500 }, otherwise: true, record: { second-check: warn } }', 26: [] }));
    expect(e.line).toBe(25);
    expect(e.problem).toMatch(/^schema: at steps\.1\.outcomes\.1/);
  });

  it('an empty version range', () => {
    expectError(edit({ 3: 'versions: { from: "2025-03-26", before: "2025-03-26" }' }), 3, 11, 'empty version range');
  });

  it('a bad status value', () => {
    const e = errorOf(edit({ 21: '      first-check: { status: 200x }' }));
    expect(e.line).toBe(21);
    expect(e.problem).toMatch(/^schema: at steps\.1\.expect\.first-check\.status/);
  });

  it('an invalid regular expression in a pattern', () => {
    expectError(edit({ 21: '      first-check: { header: { x: { pattern: "[" } } }' }), 21, 46, 'invalid pattern');
    expectError(edit({ 23: '      - when: { not: { pointer: { /a: { pattern: "(" } } } }' }), 23, 50, 'invalid pattern');
    // A pattern with a variable is checked only at run time.
    expect(() => load(edit({ 21: '      first-check: { header: { x: { pattern: "^{{sessionId}}$" } } }' }))).not.toThrow();
  });

  it('a file that cannot be read', () => {
    const e = (() => {
      try {
        loadScenario(join(SUITES_DIR, '__nope__.yaml'), SUITES_DIR, IDS);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ScenarioError);
    expect((e as ScenarioError).file).toBe('__nope__.yaml');
    expect((e as ScenarioError).line).toBe(1);
    expect((e as ScenarioError).problem).toContain('cannot read file');
  });

  it('empty text and non-mapping documents', () => {
    expectError('', 1, 1, 'schema: at top level: must be object');
    expectError('- a\n- b\n', 1, 1, 'schema: at top level: must be object');
    expectError('just a string\n', 1, 1, 'schema: at top level: must be object');
  });
});

describe('suites on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loader-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function suite(name: string, files: Record<string, string>): string {
    const root = join(dir, name);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    return root;
  }

  it('loads a temp suite with its own macros, catalog and ignored _ folders', () => {
    const root = suite('ok', {
      '_catalog/requirements.yaml': 'requirements:\n  - id: TEST-001\n',
      '_steps/hello.yaml': 'id: hello\nsteps:\n  - id: say\n    http: { jsonrpc: { method: ping } }\n',
      '_drafts/broken.yaml': 'not: [valid',
      'a/one.yaml': [
        'id: test.one',
        'title: One',
        'versions: {}',
        'checks:',
        '  - { id: c, title: C, level: MUST, requirements: [TEST-001], spec: basic/x }',
        'steps:',
        '  - use: hello',
        '  - id: s',
        '    http: { jsonrpc: { method: ping } }',
        '    expect: { c: { status: 200 } }',
        '',
      ].join('\n'),
    });
    const loaded = loadSuite(root);
    expect(loaded.map((s) => [s.id, s.file])).toEqual([['test.one', 'a/one.yaml']]);
    expect(loaded[0]!.steps.map((s) => s.id)).toEqual(['hello.say', 's']);
  });

  it('rejects two scenarios with the same ID', () => {
    const one = 'id: test.same\ntitle: T\nversions: {}\nchecks:\n  - { id: c, title: C, level: MUST, requirements: [TEST-001], spec: basic/x }\nsteps:\n  - id: s\n    http: { jsonrpc: { method: ping } }\n    expect: { c: { status: 200 } }\n';
    const root = suite('dup', { '_catalog/requirements.yaml': 'requirements:\n  - id: TEST-001\n', 'a.yaml': one, 'b.yaml': one });
    expect(() => loadSuite(root)).toThrow(/b\.yaml:1:1: scenario id "test\.same" is also used by a\.yaml/);
  });

  it('locates errors inside a macro file', () => {
    const root = suite('badmacro', {
      '_catalog/requirements.yaml': 'requirements: []\n',
      '_steps/m.yaml': 'id: other-name\nsteps:\n  - id: s\n    http: {}\n',
    });
    try {
      loadSuite(root);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as Error).message).toBe('_steps/m.yaml:1:5: macro id "other-name" must match its file name');
    }
  });

  it('a missing suite folder', () => {
    expect(() => loadSuite(join(dir, 'absent'))).toThrow(ScenarioError);
  });
});

/** Asserts that loading `text` either succeeds or fails with a well-formed ScenarioError. */
function loadsOrScenarioError(text: string): void {
  let s: Scenario;
  try {
    s = load(text);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const lines = text.split(/\r\n|\r|\n/).length;
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lines + 1);
    expect(Number.isInteger(e.line) && Number.isInteger(e.col)).toBe(true);
    expect(e.problem.length).toBeGreaterThan(0);
    expect(e.message).toBe(`${e.file}:${e.line}:${e.col}: ${e.problem}`);
    return;
  }
  expect(s.checks.length).toBeGreaterThanOrEqual(1);
  const ids = s.steps.map((x) => x.id);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('properties', () => {
  const YAMLISH = fc.constantFrom(
    'a', 'id', ':', ': ', ' ', '  ', '\n', '\r\n', '\t', '-', '- ', '[', ']', '{', '}', ',', '*', '&', '*a', '&a', '!', '!!', '!!str ',
    '"', "'", '#', '|', '>', '?', '%', '@', '`', '---', '...', '<<', '\\', '0', '1.5', '~', 'null', '\u00e9', '\u{1F600}', '\uFEFF',
  );

  it('arbitrary text gives a ScenarioError (or loads), never another error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), loadsOrScenarioError), { numRuns: 150 });
    fc.assert(fc.property(fc.string({ unit: YAMLISH, maxLength: 60 }), loadsOrScenarioError), { numRuns: 300 });
  });

  it('a valid file cut or corrupted at any point gives a ScenarioError (or loads)', () => {
    fc.assert(
      fc.property(fc.nat({ max: BASE.length }), fc.nat({ max: BASE.length }), fc.string({ unit: YAMLISH, maxLength: 3 }), (cut, at, junk) => {
        loadsOrScenarioError(BASE.slice(0, cut));
        loadsOrScenarioError(BASE.slice(0, at) + junk + BASE.slice(at + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary JSON values serialised as YAML give a ScenarioError (or load)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        loadsOrScenarioError(stringifyYaml(v));
      }),
      { numRuns: 300 },
    );
  });

  it('a valid scenario with one key deleted or replaced gives a ScenarioError (or loads)', () => {
    const base = parseYaml(BASE) as unknown;
    const paths: Array<Array<string | number>> = [];
    const collect = (v: unknown, path: Array<string | number>) => {
      if (Array.isArray(v)) v.forEach((x, i) => (paths.push([...path, i]), collect(x, [...path, i])));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (paths.push([...path, k]), collect(x, [...path, k])));
    };
    collect(base, []);
    expect(paths.length).toBeGreaterThan(40);
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom<unknown>('', 'nope', 'fail', 'warn', 'MUST', 'INFO', '{{ghost}}', '{{sessionId}}', 'first-check', 'open-session', 'session-ids', 0, -1, 200, null, true, [], {}, ['x'], { otherwise: true }),
    );
    let loaded = 0;
    fc.assert(
      fc.property(fc.nat({ max: paths.length - 1 }), fc.boolean(), replacement, (which, remove, value) => {
        const doc = structuredClone(base) as Record<string | number, unknown>;
        const path = paths[which]!;
        let parent: Record<string | number, unknown> = doc;
        for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (remove) {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else parent[last] = value;
        try {
          load(stringifyYaml(doc));
          loaded++;
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.col).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
    // Some mutations (e.g. a changed title) are harmless: the property exercised both paths.
    expect(loaded).toBeGreaterThan(0);
  });
});

describe('huge files', () => {
  it('a 5 MB valid scenario loads', () => {
    const step = (i: number) => `  - id: p${i}\n    http: { jsonrpc: { method: ping, params: { n: ${i}, pad: "${'x'.repeat(40)}" } } }\n    expect: { first-check: { status: 200 } }\n`;
    const head = BASE_LINES.slice(0, 15).join('\n') + '\n';
    const tail = BASE_LINES.slice(16).join('\n') + '\n';
    const parts = [head];
    let size = head.length;
    let n = 0;
    while (size < 5_000_000) {
      const s = step(n++);
      parts.push(s);
      size += s.length;
    }
    parts.push(tail);
    const s = load(parts.join(''));
    expect(s.steps.length).toBe(n + 1);
    expect(s.steps[n - 1]!.id).toBe(`p${n - 1}`);
  });

  it('a 5 MB file with an error near its end is located', () => {
    const filler = Array.from({ length: 100_000 }, (_, i) => `  - "${'y'.repeat(40)} ${i}"`);
    const text = [...BASE_LINES, 'junk:', ...filler, 'bad: [unclosed', ''].join('\n');
    expect(text.length).toBeGreaterThan(5_000_000);
    const e = errorOf(text);
    expect(e.problem).toContain('invalid YAML');
    expect(e.line).toBeGreaterThan(BASE_LINES.length + filler.length);
  });

  it('a 5 MB schema-invalid file is located at the offending key', () => {
    const filler = Array.from({ length: 100_000 }, (_, i) => `  - "${'z'.repeat(40)} ${i}"`);
    const text = [...BASE_LINES, 'junk:', ...filler, ''].join('\n');
    expectError(text, BASE_LINES.length + 1, 1, 'schema: unknown key "junk" at top level');
  });
});
