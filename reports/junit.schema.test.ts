/**
 * junit.xml as CI systems read it: every file the suite writes validates
 * against `schemas/junit.xsd` (checked by `xmllint --schema`, libxml2-utils)
 * and parses with an independent JUnit reader (junit2json) whose counts equal
 * the results model's. Runs a real run against the bundled reference server
 * and a broken variant, and the synthetic sample run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, type TestCase, type TestSuite, type TestSuites } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../harness/model/results.js';
import { PACKAGE_ROOT } from '../harness/model/paths.js';
import { runSuiteAgainst } from '../fixtures/harness-run.js';
import { renderJUnit } from './junit.js';
import { makeSampleResults, makeStdioSampleResults } from './sample-results.js';

const run = promisify(execFile);
const XSD = join(PACKAGE_ROOT, 'schemas', 'junit.xsd');
let dir: string;

/** `xmllint --noout --schema junit.xsd` on `xml`; rejects (with xmllint's stderr) when the file is invalid or xmllint is missing. */
async function xmllint(xml: string, name: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, xml, 'utf8');
  const { stderr } = await run('xmllint', ['--noout', '--schema', XSD, file]);
  return stderr;
}

/** Whether xmllint rejects `xml` (a schema that accepts everything would make the validation worthless). */
async function rejected(xml: string, name: string): Promise<string | undefined> {
  try {
    await xmllint(xml, name);
    return undefined;
  } catch (e) {
    return (e as { stderr?: string }).stderr ?? String(e);
  }
}

/** What a JUnit reader sees, counted from the parsed document (never from the root attributes alone). */
function counted(doc: TestSuites) {
  const cases: TestCase[] = (doc.testsuite ?? []).flatMap((s: TestSuite) => s.testcase ?? []);
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure?.length).length,
    errors: cases.filter((c) => c.error?.length).length,
    skipped: cases.filter((c) => c.skipped?.length).length,
  };
}

/** The counts the results model implies (design.md, "Verdicts": JUnit column). */
function expectedCounts(r: RunResults, strict = false) {
  const s = r.summary;
  return {
    tests: r.checks.length,
    failures: s.fail + (strict ? s.warn : 0),
    errors: s.error,
    skipped: s['not-applicable'] + s.skipped + s.blocked,
  };
}

async function expectReadable(r: RunResults, name: string, strict = false): Promise<void> {
  const xml = renderJUnit(r, { strict });
  expect(await xmllint(xml, name)).toMatch(/validates/);
  const doc = (await parse(xml)) as TestSuites & { skipped?: number };
  const want = expectedCounts(r, strict);
  expect(counted(doc)).toEqual(want);
  // The root's own attributes say the same, and each suite's add up to them.
  expect({ tests: doc.tests, failures: doc.failures, errors: doc.errors, skipped: doc.skipped }).toEqual(want);
  const suites = doc.testsuite ?? [];
  expect(suites).toHaveLength(r.scenarios.length);
  for (const key of ['tests', 'failures', 'errors', 'skipped'] as const) expect(suites.reduce((n, s) => n + (s[key] ?? 0), 0)).toBe(want[key]);
  // Every testcase's time is the sum of its exchanges (seconds); the reader sees numbers.
  for (const c of suites.flatMap((s) => s.testcase ?? [])) expect(c.time).toBeGreaterThanOrEqual(0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'junit-schema-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('junit.xml against schemas/junit.xsd and an independent reader', () => {
  it('a real run against the bundled reference server validates and parses with the counts of results.json', async () => {
    const r = await runSuiteAgainst({}, ['2025-11-25'], { sessionSamples: 16 });
    expect(r.checks.length).toBeGreaterThan(50);
    await expectReadable(r, 'reference.xml');
    // Some exchange took time: per-check time is not all zeros.
    const doc = (await parse(renderJUnit(r))) as TestSuites;
    expect(doc.testsuite!.flatMap((s) => s.testcase ?? []).some((c) => (c.time ?? 0) > 0)).toBe(true);
  });

  it('a broken variant (failures in the file) validates and parses with matching counts, also under --strict', async () => {
    const r = await runSuiteAgainst({ unknownSession: 'serve' }, ['2025-11-25'], { sessionSamples: 16 });
    expect(r.summary.fail).toBeGreaterThan(0);
    await expectReadable(r, 'broken.xml');
    await expectReadable(r, 'broken-strict.xml', true);
  });

  it('the sample run (every verdict, hostile strings) and the stdio sample validate and parse', async () => {
    const sample = makeSampleResults();
    await expectReadable(sample, 'sample.xml');
    await expectReadable(sample, 'sample-strict.xml', true);
    await expectReadable(makeStdioSampleResults(), 'stdio.xml');
  });

  it('the schema is not a rubber stamp: it rejects what JUnit readers would not read', async () => {
    const ok = renderJUnit(makeSampleResults());
    expect(await rejected(ok, 'ok.xml')).toBeUndefined();
    expect(await rejected(ok.replace('<testcase ', '<testcase bogus="1" '), 'attr.xml')).toMatch(/bogus/);
    expect(await rejected(ok.replace(/time="[0-9.]+"/, 'time="-1"'), 'time.xml')).toMatch(/time/);
    expect(await rejected(ok.replace('<properties>', '<properties><unknown/>'), 'elem.xml')).toMatch(/unknown/);
    expect(await rejected(ok.replace(/<skipped message="([^"]*)"\/>/, '<skipped message="$1"/><failure/>'), 'two.xml')).toMatch(/failure/);
  });
});
