import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { renderJson } from './json.js';
import { makeSampleResults, makeStdioSampleResults } from './sample-results.js';

const schema = JSON.parse(readFileSync(new URL('../schemas/results.schema.json', import.meta.url), 'utf8')) as object;
// ajv is CommonJS: under NodeNext the default import is the module, whose `default` is the class.
const ajv = new Ajv2020.default({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

describe('renderJson', () => {
  it('is pretty JSON with a trailing newline that round-trips', () => {
    const results = makeSampleResults();
    const text = renderJson(results);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format": "mcp-session-conformance.results/1",');
    expect(JSON.parse(text)).toEqual(results);
  });

  it('validates against schemas/results.schema.json', () => {
    const ok = validate(JSON.parse(renderJson(makeSampleResults())));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a bad verdict, an unknown field, a bad check ID and a bad version', () => {
    const badVerdict = JSON.parse(renderJson(makeSampleResults()));
    badVerdict.checks[0].verdict = 'passed';
    expect(validate(badVerdict)).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/checks/0/verdict')).toBe(true);

    const extra = JSON.parse(renderJson(makeSampleResults()));
    extra.surprise = true;
    expect(validate(extra)).toBe(false);

    const extraInCheck = JSON.parse(renderJson(makeSampleResults()));
    extraInCheck.checks[1].severity = 'high';
    expect(validate(extraInCheck)).toBe(false);

    const extraInRun = JSON.parse(renderJson(makeSampleResults()));
    extraInRun.scenarios[0].extra = 1;
    expect(validate(extraInRun)).toBe(false);

    const badId = JSON.parse(renderJson(makeSampleResults()));
    badId.checks[0].id = 'Session-ID/Bad Slug';
    expect(validate(badId)).toBe(false);

    const badVersion = JSON.parse(renderJson(makeSampleResults()));
    badVersion.protocolVersions = ['2025-6-18'];
    expect(validate(badVersion)).toBe(false);

    const missing = JSON.parse(renderJson(makeSampleResults()));
    delete missing.summary;
    expect(validate(missing)).toBe(false);

    const badLevel = JSON.parse(renderJson(makeSampleResults()));
    badLevel.checks[0].level = 'MUSTN';
    expect(validate(badLevel)).toBe(false);
  });

  describe('a stdio run', () => {
    const stdioJson = () => JSON.parse(renderJson(makeStdioSampleResults()));

    it('round-trips and validates against schemas/results.schema.json', () => {
      const doc = stdioJson();
      expect(doc).toEqual(makeStdioSampleResults());
      expect(doc.target).toMatchObject({ kind: 'stdio', url: 'stdio:', transport: 'stdio', env: ['API_TOKEN', 'DEBUG'] });
      const methods = doc.scenarios.flatMap((r: { transcript: Array<{ request: { method: string } }> }) => r.transcript.map((e) => e.request.method));
      expect(new Set(methods)).toEqual(new Set(['STDIN', 'CLOSE-STDIN', 'SIGNAL SIGTERM']));
      const ok = validate(doc);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('rejects a stdio record the schema does not describe', () => {
      const noTransport = stdioJson();
      delete noTransport.target.transport;
      expect(validate(noTransport)).toBe(false);

      const badAction = stdioJson();
      badAction.scenarios[1].transcript[1].stdio.action = 'close';
      expect(validate(badAction)).toBe(false);
      expect(validate.errors?.some((e) => e.instancePath === '/scenarios/1/transcript/1/stdio/action')).toBe(true);

      const extraInLine = stdioJson();
      extraInLine.scenarios[0].transcript[0].stdio.stdout[0].raw = 'x';
      expect(validate(extraInLine)).toBe(false);

      const unknownFault = stdioJson();
      unknownFault.scenarios[0].transcript[0].stdio.session.faults.banner = { count: 1, first: [] };
      expect(validate(unknownFault)).toBe(false);

      const envValues = stdioJson();
      envValues.target.env = { API_TOKEN: 'secret' }; // names only, as a list
      expect(validate(envValues)).toBe(false);

      const badKind = stdioJson();
      badKind.scenarios[2].transcript[1].error.kind = 'crashed';
      expect(validate(badKind)).toBe(false);
    });
  });
});
