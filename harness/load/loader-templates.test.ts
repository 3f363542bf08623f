/**
 * The scenario language's load-time templates: parameterised macros
 * (`use:` + `with:`, `params` with defaults, nesting, a one-step macro's use
 * carrying judging keys), `foreach` blocks in `checks` and `steps`, and the
 * load-time variable `{{suiteVersion}}`. Each suite is written to a temp
 * folder with its own catalog and macros.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite, loadScenario, loadRequirementIds, ScenarioError } from './loader.js';
import { SUITES_DIR, SUITE_VERSION } from '../model/paths.js';
import type { Scenario } from '../model/scenario.js';

let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loader-templates-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The macro every suite below has: one request, two parameters (one without default). */
const PING_MACRO = [
  'id: ping',
  'params:',
  '  token: { description: a header value }',
  '  params: { default: { a: 1 } }',
  'steps:',
  '  - id: send',
  '    http:',
  '      headers: { X-Token: "t-${token}" }',
  '      jsonrpc: { method: ping, params: "${params}" }',
  '',
].join('\n');

/** Writes a suite (catalog TEST-001, macro `ping` unless replaced) and returns its root. */
function suite(files: Record<string, string>): string {
  const root = join(dir, `s${n++}`);
  const all = { '_catalog/requirements.yaml': 'requirements:\n  - id: TEST-001\n', '_steps/ping.yaml': PING_MACRO, ...files };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** A scenario file: the given steps (lines, already indented by two) after one check `c`, recorded by a last step. */
function scenario(steps: string[], checks = ['  - { id: c, title: C, level: MUST, requirements: [TEST-001], spec: basic/x }']): string {
  return ['id: test.t', 'title: T', 'versions: {}', 'checks:', ...checks, 'steps:', ...steps, ''].join('\n');
}
const JUDGE = ['  - id: judge', '    expect: { c: { status: 200 } }'];

function load(files: Record<string, string>): Scenario {
  return loadSuite(suite(files))[0]!;
}

/** The ScenarioError loading `files` raises; its message must be `<file>:<line>:<col>: <problem>`. */
function errorOf(files: Record<string, string>): ScenarioError {
  try {
    load(files);
  } catch (e) {
    if (e instanceof ScenarioError) {
      expect(e.message).toBe(`${e.file}:${e.line}:${e.col}: ${e.problem}`);
      return e;
    }
    throw e;
  }
  throw new Error('expected a ScenarioError, but the suite loaded');
}

describe('parameterised macros', () => {
  it('substitutes `with` values, else the defaults; a whole-string ${x} keeps the value type', () => {
    const s = load({
      'a.yaml': scenario(['  - use: ping', '    with: { token: abc }', '  - id: again', '    use: ping', '    with: { token: 7, params: [1, "{{protocolVersion}}"] }', ...JUDGE]),
    });
    expect(s.steps.map((x) => x.id)).toEqual(['ping.send', 'again', 'judge']);
    expect(s.steps[0]!.http).toEqual({ headers: { 'X-Token': 't-abc' }, jsonrpc: { method: 'ping', params: { a: 1 } } });
    // A number inside a longer string is inserted as text; runtime {{variables}} are left for the runner.
    expect(s.steps[1]!.http).toEqual({ headers: { 'X-Token': 't-7' }, jsonrpc: { method: 'ping', params: [1, '{{protocolVersion}}'] } });
    expect(s.steps[0]!.source).toBe('_steps/ping.yaml:steps.0');
  });

  it('an unknown parameter is located at its key in `with`', () => {
    const e = errorOf({ 'a.yaml': scenario(['  - use: ping', '    with: { token: x, tokn: y }', ...JUDGE]) });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 8, 23]);
    expect(e.problem).toBe('unknown parameter "tokn" of macro "ping" (its parameters: token, params)');
  });

  it('a parameter without default must be given', () => {
    const e = errorOf({ 'a.yaml': scenario(['  - use: ping', ...JUDGE]) });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 7, 10]);
    expect(e.problem).toContain('macro "ping" needs the parameter "token"');
  });

  it('a ${name} the macro does not declare, and a declared parameter never used, are located in the macro', () => {
    let e = errorOf({ '_steps/ping.yaml': PING_MACRO.replace('t-${token}', 't-${tokan}'), 'a.yaml': scenario(JUDGE) });
    expect([e.file, e.line, e.col]).toEqual(['_steps/ping.yaml', 8, 27]);
    expect(e.problem).toBe('${tokan} is not a parameter of macro "ping" (its parameters: token, params)');
    e = errorOf({ '_steps/ping.yaml': PING_MACRO.replace('params: "${params}"', 'params: {}'), 'a.yaml': scenario(JUDGE) });
    expect([e.file, e.line, e.col]).toEqual(['_steps/ping.yaml', 4, 3]);
    expect(e.problem).toBe('parameter "params" is never used in the steps');
  });

  it('a macro step invalid with its defaults is located in the macro when the suite loads', () => {
    const bad = ['id: m', 'params:', '  p: { default: loud }', 'steps:', '  - http: { preset: "${p}" }', ''].join('\n');
    const e = errorOf({ '_steps/m.yaml': bad, 'a.yaml': scenario(JUDGE) });
    expect([e.file, e.line, e.col]).toEqual(['_steps/m.yaml', 5, 21]);
    expect(e.problem).toMatch(/^schema: at http\.preset: must be one of "session", "bare", "none", "stateless" \(with the parameters' defaults\)$/);
  });

  it('a value that makes a macro step invalid is reported at the use, naming the macro line', () => {
    const strict = ['id: strict', 'params:', '  p: {}', 'steps:', '  - http: { preset: "${p}" }', ''].join('\n');
    const e = errorOf({ '_steps/strict.yaml': strict, 'a.yaml': scenario(['  - use: ping', '    with: { token: x, params: 5 }', '  - use: strict', '    with: { p: loud }', ...JUDGE]) });
    // ping's params: 5 is valid (params take any JSON); strict's preset is not.
    expect(e.file).toBe('a.yaml');
    expect([e.line, e.col]).toEqual([9, 10]);
    expect(e.problem).toBe('schema: at http.preset: must be one of "session", "bare", "none", "stateless" (macro "strict" with the parameters given) (in macro strict, _steps/strict.yaml:5:21)');
  });

  it('macros nest: steps are named <use id or macro>.<step>, a one-step macro used with an id by that id', () => {
    const outer = [
      'id: outer',
      'params:',
      '  v: { default: "1" }',
      'steps:',
      '  - id: first',
      '    use: ping',
      '    with: { token: "${v}" }',
      '  - use: ping',
      '    with: { token: "2" }',
      '',
    ].join('\n');
    const s = load({ '_steps/outer.yaml': outer, 'a.yaml': scenario(['  - use: outer', '  - id: second', '    use: outer', '    with: { v: "3" }', ...JUDGE]) });
    expect(s.steps.map((x) => x.id)).toEqual(['outer.first', 'outer.ping.send', 'second.first', 'second.ping.send', 'judge']);
    expect(s.steps.map((x) => x.http?.headers?.['X-Token'])).toEqual(['t-1', 't-2', 't-3', 't-2', undefined]);
  });

  it('a macro that uses itself is rejected', () => {
    const loop = ['id: loop', 'steps:', '  - use: loop', ''].join('\n');
    const e = errorOf({ '_steps/loop.yaml': loop, 'a.yaml': scenario(['  - use: loop', ...JUDGE]) });
    expect(e.file).toBe('a.yaml');
    expect(e.problem).toContain('macro "loop" uses itself (loop → loop)');
  });

  it("a one-step macro's use carries judging keys, which may record verdicts and are located at the use", () => {
    const s = load({
      'a.yaml': scenario([
        '  - id: probe-ping',
        '    use: ping',
        '    with: { token: x }',
        '    capture: { st: { status: true } }',
        '    outcomes:',
        '      - when: { status: 200 }',
        '        record: { c: pass }',
        '      - otherwise: true',
        '        record: { c: fail }',
      ]),
    });
    expect(s.steps).toHaveLength(1);
    expect(s.steps[0]).toMatchObject({ id: 'probe-ping', source: 'steps.0', capture: { st: { status: true } }, http: { jsonrpc: { method: 'ping' } } });
    expect(s.steps[0]!.outcomes).toHaveLength(2);
    // Lint of the carried keys points into the scenario.
    const e = errorOf({ 'a.yaml': scenario(['  - use: ping', '    with: { token: x }', '    outcomes:', '      - otherwise: true', '        record: { nope: pass }']) });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 11, 19]);
    expect(e.problem).toContain('"nope" is not a check declared in this scenario');
  });

  it('only a one-step macro may carry judging keys, and not one its step already has', () => {
    let e = errorOf({ 'a.yaml': scenario(['  - use: open-session', '    expect: { c: { status: 200 } }']) , '_steps/open-session.yaml': OPEN_SESSION_COPY });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 8, 5]);
    expect(e.problem).toBe('only the use of a one-step macro may carry "expect" (macro "open-session" has 2 steps)');
    const withRequire = ['id: r', 'steps:', '  - http: { jsonrpc: { method: ping } }', '    require: { that: { status: 200 }, reason: initialize-failed }', ''].join('\n');
    e = errorOf({ '_steps/r.yaml': withRequire, 'a.yaml': scenario(['  - use: r', '    require: { that: { status: 201 }, reason: initialize-failed }', ...JUDGE]) });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 8, 5]);
    expect(e.problem).toBe('macro "r" already sets "require" on its step');
  });

  it('macro steps still may not record verdicts', () => {
    const m = ['id: m', 'steps:', '  - http: { jsonrpc: { method: ping } }', '    expect: { c: { status: 200 } }', ''].join('\n');
    const e = errorOf({ '_steps/m.yaml': m, 'a.yaml': scenario(['  - use: m', ...JUDGE]) });
    expect([e.file, e.line, e.col]).toEqual(['a.yaml', 7, 10]);
    expect(e.problem).toContain('macro steps cannot record verdicts');
  });
});

/** A two-step macro for the tests that need one (a copy, so that the bundled one may change). */
const OPEN_SESSION_COPY = ['id: open-session', 'steps:', '  - id: initialize', '    http: { jsonrpc: { method: initialize } }', '  - id: initialized', '    http: { jsonrpc: { method: notifications/initialized, notification: true } }', ''].join('\n');

describe('{{suiteVersion}}', () => {
  it('is replaced at load time by the package version in every step, other variables are left', () => {
    const s = load({ 'a.yaml': scenario(['  - id: s', '    http: { jsonrpc: { method: ping, params: { v: "{{suiteVersion}}", w: "v{{ suiteVersion }}", p: "{{protocolVersion}}" } } }', ...JUDGE]) });
    expect(s.steps[0]!.http!.jsonrpc!.params).toEqual({ v: SUITE_VERSION, w: `v${SUITE_VERSION}`, p: '{{protocolVersion}}' });
  });
});

describe('foreach blocks', () => {
  const FAMILIES = [
    'checks:',
    '  - foreach: &fam',
    '      - { family: tools, method: tools/list }',
    '      - { family: prompts, method: prompts/list }',
    '    checks:',
    '      - id: ${family}-served',
    '        title: ${method} is served',
    '        level: MUST',
    '        requirements: [TEST-001]',
    '        spec: server/${family}',
    '  - foreach: *fam',
    '    checks:',
    '      - { id: "${family}-typed", title: "${family} typed", level: SHOULD, requirements: [TEST-001], spec: basic/x }',
    '  - { id: other, title: Other, level: MUST, requirements: [TEST-001], spec: basic/x }',
  ];
  /** Steps: one foreach block with two templates (a request and a judge), keys substituted, then a plain step. */
  const STEPS = [
    'steps:',
    '  - foreach:',
    '      - { family: tools, method: tools/list, cap: capTools, shape: { /result/tools: { type: array } } }',
    '      - { family: prompts, method: prompts/list, cap: capPrompts, shape: { /result/prompts: { type: array } } }',
    '    steps:',
    '      - id: ${family}-list',
    '        http: { jsonrpc: { method: "${method}", params: {} } }',
    '        capture: { "${cap}": { pointer: /result } }',
    '        expect: { "${family}-served": { result: present } }',
    '      - id: judge-${family}',
    '        outcomes:',
    '          - when: { captured: { "${cap}": absent } }',
    '            record: { "${family}-typed": not-applicable }',
    '            reason: capability-not-declared',
    '          - when: { pointer: "${shape}" }',
    '            record: { "${family}-typed": pass }',
    '          - otherwise: true',
    '            record: { "${family}-typed": warn }',
    '            expected: a ${family} list',
    '  - id: last',
    '    http: { jsonrpc: { method: ping } }',
    '    expect: { other: { status: 200 } }',
  ];
  const text = (lines: string[]) => ['id: test.f', 'title: F', 'versions: {}', ...lines, ''].join('\n');

  it('instantiates templates in place, binding by binding, with keys and typed values substituted', () => {
    const s = load({ 'f.yaml': text([...FAMILIES, ...STEPS]) });
    expect(s.checks.map((c) => [c.id, c.title, c.level, c.spec])).toEqual([
      ['tools-served', 'tools/list is served', 'MUST', 'server/tools'],
      ['prompts-served', 'prompts/list is served', 'MUST', 'server/prompts'],
      ['tools-typed', 'tools typed', 'SHOULD', 'basic/x'],
      ['prompts-typed', 'prompts typed', 'SHOULD', 'basic/x'],
      ['other', 'Other', 'MUST', 'basic/x'],
    ]);
    expect(s.steps.map((x) => x.id)).toEqual(['tools-list', 'judge-tools', 'prompts-list', 'judge-prompts', 'last']);
    expect(s.steps[2]!.capture).toEqual({ capPrompts: { pointer: '/result' } });
    expect(s.steps[2]!.expect).toEqual({ 'prompts-served': { result: 'present' } });
    expect(s.steps[3]!.outcomes).toEqual([
      { when: { captured: { capPrompts: 'absent' } }, record: { 'prompts-typed': 'not-applicable' }, reason: 'capability-not-declared' },
      { when: { pointer: { '/result/prompts': { type: 'array' } } }, record: { 'prompts-typed': 'pass' } },
      { otherwise: true, record: { 'prompts-typed': 'warn' }, expected: 'a prompts list' },
    ]);
  });

  it('an instance problem is located at the template line', () => {
    // Two bindings with the same family: the second instance's ID is a duplicate, reported at the template.
    const dup = FAMILIES.map((l) => l.replace('family: prompts, method: prompts/list', 'family: tools, method: x'));
    let e = errorOf({ 'f.yaml': text([...dup, ...STEPS]) });
    expect([e.file, e.line, e.col]).toEqual(['f.yaml', 9, 13]);
    expect(e.problem).toBe('duplicate check id "tools-served"');
    // A lint problem inside a step instance points at the template line.
    e = errorOf({ 'f.yaml': text([...FAMILIES, ...STEPS.map((l) => l.replace('"${family}-served": { result', '"${family}-servd": { result'))]) });
    expect([e.file, e.line, e.col]).toEqual(['f.yaml', 26, 19]);
    expect(e.problem).toContain('"tools-servd" is not a check declared in this scenario');
  });

  it('an instance that is not a valid check or step names the binding', () => {
    const bad = FAMILIES.map((l) => l.replace('family: prompts, method', 'family: Prompts, method'));
    const e = errorOf({ 'f.yaml': text([...bad, ...STEPS]) });
    expect([e.file, e.line, e.col]).toEqual(['f.yaml', 9, 13]);
    expect(e.problem).toBe('schema: at id: must match pattern "^[a-z0-9][a-z0-9-]*$" (foreach binding 2 of 2, family: Prompts)');
  });

  it('a ${name} a binding does not give is located at the template', () => {
    const e = errorOf({ 'f.yaml': text([...FAMILIES.map((l) => l.replace('title: ${method} is served', 'title: ${metod} is served')), ...STEPS]) });
    expect([e.file, e.line, e.col]).toEqual(['f.yaml', 10, 16]);
    expect(e.problem).toBe('${metod} has no value (known here: family, method) (foreach binding 1 of 2, family: tools)');
    // In a key, the key is named.
    const k = errorOf({ 'f.yaml': text([...FAMILIES, ...STEPS.map((l) => l.replace('{ "${cap}": { pointer', '{ "${cop}": { pointer'))]) });
    expect([k.line, k.col]).toEqual([25, 20]);
    expect(k.problem).toContain('${cop} has no value');
  });

  it('a foreach block needs its list and at least one binding', () => {
    let e = errorOf({ 'f.yaml': text(['checks:', '  - foreach: []', '    checks: [{ id: x }]', ...STEPS]) });
    expect(e.problem).toMatch(/^schema: at checks\.0\.foreach: must NOT have fewer than 1 items/);
    e = errorOf({ 'f.yaml': text(['checks:', '  - foreach: [{ a: 1 }]', '    steps: [{ id: x }]', ...STEPS]) });
    expect(e.problem).toMatch(/unknown key "steps" at checks\.0|missing required key "checks"/);
  });
});

describe('the bundled macros', () => {
  const ids = loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml'));
  const FAKE = join(SUITES_DIR, '__templates-test__', 'x.yaml');
  const one = (steps: string[]) =>
    loadScenario(FAKE, SUITES_DIR, ids, undefined, scenario(steps, ['  - { id: c, title: C, level: MUST, requirements: [LIFE-INIT-002], spec: basic/x }']));

  it('initialize: a bare initialize at the version under test with the suite as clientInfo, or what `with` says', () => {
    const s = one(['  - id: init', '    use: initialize', '    expect: { c: { status: 200 } }']);
    expect(s.steps.map((x) => x.id)).toEqual(['init']);
    expect(s.steps[0]!.http).toEqual({
      preset: 'bare',
      headers: {},
      jsonrpc: { method: 'initialize', params: { protocolVersion: '{{protocolVersion}}', capabilities: {}, clientInfo: { name: 'mcp-session-conformance', version: SUITE_VERSION } } },
    });
    const t = one(['  - use: initialize', '    with: { protocolVersion: 20251125, capabilities: { sampling: {} }, headers: { Origin: "{{origin}}" }, preset: session }', ...JUDGE]);
    expect(t.steps[0]!.id).toBe('initialize.initialize');
    expect(t.steps[0]!.http).toMatchObject({ preset: 'session', headers: { Origin: '{{origin}}' }, jsonrpc: { params: { protocolVersion: 20251125, capabilities: { sampling: {} } } } });
  });

  it('open-session: a transport-neutral initialize, captured and required, then the version gate and notifications/initialized', () => {
    const s = one(['  - use: open-session', '    with: { capabilities: { roots: {} }, clientInfo: { name: other, version: "1" } }', ...JUDGE]);
    expect(s.steps.map((x) => [x.id, x.source])).toEqual([
      ['open-session.initialize', '_steps/open-session.yaml:steps.0'],
      ['open-session.negotiated-version-under-test', '_steps/open-session.yaml:steps.1'],
      ['open-session.initialized', '_steps/open-session.yaml:steps.2'],
      ['judge', 'steps.1'],
    ]);
    expect(s.steps[0]!.http).toBeUndefined();
    expect(s.steps[0]!.send).toEqual({ method: 'initialize', params: { protocolVersion: '{{protocolVersion}}', capabilities: { roots: {} }, clientInfo: { name: 'other', version: '1' } } });
    expect(s.steps[0]!.capture).toEqual({ sessionId: { session: true }, negotiatedVersion: { pointer: '/result/protocolVersion' } });
    expect(s.steps[0]!.require).toEqual({ that: { accepted: true, result: 'present' }, reason: 'initialize-failed' });
    expect(s.steps[2]!.send).toEqual({ method: 'notifications/initialized', notification: true });
    const e = (() => {
      try {
        one(['  - use: open-session', '    with: { preset: session }', ...JUDGE]);
      } catch (err) {
        return err as ScenarioError;
      }
      throw new Error('loaded');
    })();
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e.problem).toBe('unknown parameter "preset" of macro "open-session" (its parameters: protocolVersion, capabilities, clientInfo)');
  });
});
