/**
 * Reading a `results.json` written by an earlier run (for `diff` and
 * `merge`): parsed as JSON and validated against
 * `schemas/results.schema.json`, so that the renderers only ever see a
 * well-formed results model.
 */
import { readFileSync } from 'node:fs';
import { schemaValidator } from '../model/json-schema.js';
import type { RunResults } from '../model/results.js';

/** A results file that cannot be used: unreadable, not JSON, or not a results document. The message names the file. */
export class ResultsFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ResultsFileError';
  }
}

/**
 * Reads and validates one `results.json`.
 * @param path the file (as given on the command line; named so in errors)
 * @returns the results model, as written
 * @throws ResultsFileError for a file that cannot be read, is not JSON (with
 *   the parser's message), or fails `schemas/results.schema.json` (with the
 *   JSON pointer of the first failing value and what is wrong there)
 */
export function readResultsFile(path: string): RunResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultsFileError(path, `cannot read file: ${(e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ResultsFileError(path, `not JSON: ${(e as Error).message}`);
  }
  const validate = schemaValidator('results.schema.json');
  if (!validate(data)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? `at ${e.instancePath}` : 'at top level';
    const extra = e?.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
    throw new ResultsFileError(path, `not a results.json of this suite (schemas/results.schema.json): ${where}: ${e?.message ?? 'invalid'}${extra}`);
  }
  return data as RunResults;
}
