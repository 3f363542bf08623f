/**
 * `results.json`: the results model serialised unchanged. The document
 * validates against `schemas/results.schema.json`.
 */
import type { RunResults } from '../harness/model/results.js';

/**
 * Serialises `results` as pretty JSON (2-space indent) with a trailing
 * newline. Target text is kept verbatim (JSON escapes control characters).
 *
 * @throws TypeError when `results` is not JSON-serialisable (a cycle or a
 *   BigInt, e.g. inside `captures`).
 */
export function renderJson(results: RunResults): string {
  return JSON.stringify(results, null, 2) + '\n';
}
