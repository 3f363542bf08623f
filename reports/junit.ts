/**
 * `junit.xml`: one `<testsuite>` per scenario run, one `<testcase>` per check
 * result, in the JUnit XML dialect CI systems (GitHub, GitLab, Jenkins) read.
 * Built as a plain object tree and serialised by fast-xml-builder (which
 * escapes markup in text and attributes); every string is passed through
 * {@link xmlSafe} first.
 */
import XMLBuilder from 'fast-xml-builder';
import type { CheckResult, RunResults, ScenarioRun } from '../harness/model/results.js';
import { checkSlug, checksOfRun, seconds, transcriptSlice, transportOf } from './common.js';
import { renderTranscript } from './transcript.js';

/** Options of {@link renderJUnit}. */
export interface JUnitOptions {
  /** Report `warn` verdicts as `<failure>` instead of passing testcases. Default false. */
  strict?: boolean;
}

/**
 * An element as fast-xml-builder reads it: `@_name` keys are attributes (in
 * insertion order), `#text` is the text, any other key is a child element
 * (an array for repeated children).
 */
type XmlElement = { [key: string]: string | XmlElement | XmlElement[] };

/**
 * Serialiser options: attributes under `@_`, pretty-printed, `"true"` kept
 * as a value (not a bare attribute name). Text escapes `&`, `<` and `>`
 * only, so JSON in transcripts stays readable; the serialiser escapes quotes
 * in attribute values itself.
 */
const XML = new XMLBuilder(<ConstructorParameters<typeof XMLBuilder>[0]>{
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  format: true,
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
  entities: [
    { regex: /&/g, val: '&amp;' }, // first
    { regex: /</g, val: '&lt;' },
    { regex: />/g, val: '&gt;' },
  ],
});

// Not an XML 1.0 Char: C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF and (with the u flag) lone surrogates.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;
/** Longest `message` attribute; the full text is in the element body. */
const MESSAGE_LIMIT = 1000;

/**
 * `s` without the characters XML 1.0 forbids anywhere in a document (even
 * escaped): C0 controls other than TAB, LF and CR, lone (unpaired) UTF-16
 * surrogates, U+FFFE and U+FFFF. Everything else, including markup characters,
 * is kept for the XML serialiser to escape. Never throws.
 */
export function xmlSafe(s: string): string {
  return s.replace(XML_ILLEGAL, '');
}

/**
 * Renders the run as JUnit XML (UTF-8, pretty-printed): root
 * `<testsuites name="mcp-session-conformance" tests failures errors skipped time>`
 * (time in seconds), one `<testsuite name="<scenario-id> @<version>">` per
 * scenario run with `<properties>` (scenario, `transport` —
 * `streamable-http` or `stdio` —, `target.url`, `target.command` when a
 * command was started, for stdio `target.cwd` and one `target.env` per
 * `--env` variable name (never its value), suite version, `spec.req` per
 * requirement ID, `spec.url` per spec URL), and one
 * `<testcase classname="<scenario-id>" name="<slug> [<version>]">` per check.
 *
 * Verdicts map to: fail → `<failure type="<level>">`; error →
 * `<error type="<reason>">`; not-applicable/skipped/blocked → `<skipped>`;
 * warn → passing with `[WARN]` in `<system-out>` (a `<failure>` when
 * `opts.strict`); info → passing with `[INFO]` in `<system-out>`. Non-pass
 * testcases carry the deciding transcript slice in `<system-out>`. A check ID
 * listed by a run without a result becomes an `<error type="missing-result">`.
 * Testcase `time` is the time of the exchanges that decided the check (the
 * sum of their `durationMs` in its transcript slice, in seconds); 0 for a
 * check decided before any traffic.
 *
 * Never throws: {@link xmlSafe} removes what XML 1.0 cannot carry and the
 * serialiser escapes markup.
 */
export function renderJUnit(results: RunResults, opts: JUnitOptions = {}): string {
  const strict = opts.strict ?? false;
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: XmlElement[] = [];

  for (const run of results.scenarios) {
    const entries = checksOfRun(results, run);
    const counts = { tests: entries.length, failures: 0, errors: 0, skipped: 0 };
    for (const { check } of entries) {
      const counter = outcome(check, strict);
      if (counter) counts[counter]++;
    }
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;

    suites.push({
      ...attrs({
        name: `${run.id} @${run.protocolVersion}`,
        tests: counts.tests,
        failures: counts.failures,
        errors: counts.errors,
        skipped: counts.skipped,
        time: seconds(run.durationMs),
        timestamp: junitTimestamp(results.startedAt),
      }),
      properties: properties(results, run, entries.flatMap((e) => (e.check ? [e.check] : []))),
      testcase: entries.map(({ id, check }) => testcase(results, run, id, check, strict)),
    });
  }

  const root: XmlElement = { ...attrs({ name: 'mcp-session-conformance', ...totals, time: seconds(results.durationMs) }), testsuite: suites };
  return XML.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, testsuites: root }) as string;
}

/** Which `<testsuite>` counter a check result increments, if any. */
function outcome(check: CheckResult | undefined, strict: boolean): 'failures' | 'errors' | 'skipped' | undefined {
  switch (check?.verdict) {
    case undefined:
    case 'error':
      return 'errors';
    case 'fail':
      return 'failures';
    case 'warn':
      return strict ? 'failures' : undefined;
    case 'not-applicable':
    case 'skipped':
    case 'blocked':
      return 'skipped';
    default:
      return undefined; // pass, info: counted in `tests` only
  }
}

/**
 * Milliseconds the exchanges that decided `check` took: the sum of
 * `durationMs` over the records of its transcript slice (0 without one, or
 * when the run is not the check's).
 */
export function checkDurationMs(run: ScenarioRun, check: CheckResult | undefined): number {
  if (!check || check.transcript.scenarioRun !== run.key) return 0;
  const seqs = new Set(check.transcript.seqs);
  return run.transcript.filter((r) => seqs.has(r.seq)).reduce((ms, r) => ms + r.durationMs, 0);
}

function properties(results: RunResults, run: ScenarioRun, checks: CheckResult[]): XmlElement {
  const property: XmlElement[] = [];
  const add = (name: string, value: string): void => void property.push(attrs({ name, value }));
  add('scenario.id', run.id);
  add('scenario.file', run.file);
  add('scenario.status', run.status);
  add('protocolVersion', run.protocolVersion);
  add('transport', transportOf(results.target));
  add('target.url', results.target.url);
  const { command, cwd, env } = results.target;
  if (command !== undefined) add('target.command', command);
  if (cwd !== undefined) add('target.cwd', cwd);
  for (const name of env ?? []) add('target.env', name); // names only: the model never holds the values
  add('suite.version', results.suiteVersion);
  const era = results.discovery?.era;
  if (era) {
    add('target.era', era.era);
    add('target.era.sessionVersions', era.sessionVersions.join(' '));
    add('target.era.statelessVersions', era.statelessVersions.join(' '));
    if (era.error !== undefined) add('target.era.error', era.error);
  }
  for (const req of new Set(checks.flatMap((c) => c.requirements))) add('spec.req', req);
  for (const url of new Set(checks.map((c) => c.specUrl))) add('spec.url', url);
  return { property };
}

function testcase(results: RunResults, run: ScenarioRun, id: string, check: CheckResult | undefined, strict: boolean): XmlElement {
  const tc: XmlElement = attrs({
    classname: run.id,
    name: `${checkSlug(id)} [${run.protocolVersion}]`,
    file: run.file,
    time: seconds(checkDurationMs(run, check)),
  });
  if (!check) {
    tc.error = attrs({ type: 'missing-result', message: `no result recorded for ${id} at ${run.protocolVersion}` });
    return tc;
  }
  const headline = `${check.level}: expected ${check.expected ?? '(unspecified)'}, observed ${check.observed ?? '(unspecified)'}`;
  const details = detailLines(check);
  let out: string | undefined;
  switch (check.verdict) {
    case 'pass':
      return tc;
    case 'fail':
      tc.failure = { ...attrs({ type: check.level, message: headline }), '#text': xmlSafe(details) };
      break;
    case 'error': {
      const type = check.reason ?? 'harness-error';
      tc.error = { ...attrs({ type, message: `${type}: ${check.observed ?? check.title}` }), '#text': xmlSafe(details) };
      break;
    }
    case 'warn':
      if (strict) tc.failure = { ...attrs({ type: check.level, message: `[WARN] ${headline}` }), '#text': xmlSafe(details) };
      else out = `[WARN] ${headline}\n${details}`;
      break;
    case 'info':
      out = `[INFO] ${check.title}: observed ${check.observed ?? '(unspecified)'}\n${details}`;
      break;
    default: // not-applicable, skipped, blocked
      tc.skipped = attrs({ message: `${check.verdict}: ${check.reason ?? 'no reason given'}` });
      return tc;
  }
  const { exchanges, seqs } = transcriptSlice(results, check, run);
  const transcript = seqs.length > 0 ? renderTranscript(exchanges, { seqs }) : '';
  const text = [out, transcript && `Transcript:\n${transcript}`].filter(Boolean).join('\n\n');
  if (text) tc['system-out'] = { '#text': xmlSafe(text) };
  return tc;
}

/** The body of a failure/error/system-out: requirement, expectation, observation, spec link. */
function detailLines(c: CheckResult): string {
  return [
    `Requirement: ${c.title}`,
    `Requirements: ${c.requirements.join(', ')}`,
    `Level: ${c.level}`,
    `Expected: ${c.expected ?? '(unspecified)'}`,
    `Observed: ${c.observed ?? '(unspecified)'}`,
    ...(c.reason ? [`Reason: ${c.reason}`] : []),
    `Spec: ${c.specUrl}`,
  ].join('\n');
}

/** Attributes (keys `@_<name>`) with every value made XML-safe; `message` is collapsed to one bounded line. */
function attrs(a: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    let s = String(v);
    if (k === 'message') {
      s = s.replace(/\s+/g, ' ');
      if (s.length > MESSAGE_LIMIT) s = s.slice(0, MESSAGE_LIMIT - 1) + '…'; // a split pair is stripped below
    }
    out[`@_${k}`] = xmlSafe(s);
  }
  return out;
}

/** ISO-8601 local form without milliseconds or zone (`2025-06-18T10:00:00`), as the JUnit schema wants. */
function junitTimestamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 19) : iso;
}
