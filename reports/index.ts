/**
 * Writes the report files of a run. Console output lives in
 * `console.ts`; the renderers are re-exported for callers that want strings.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from './atomic-write.js';
import type { RunResults } from '../harness/model/results.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';
import { renderBadge } from './badge.js';

export { formatCheckLine, formatRunStart, formatSummary, formatTransport } from './console.js';
export { escapeHtml, renderHtml, type HtmlOptions } from './html.js';
export { renderJson } from './json.js';
export { renderJUnit, xmlSafe } from './junit.js';
export { renderTranscript, transcriptBlocks } from './transcript.js';
export { renderSummaryMarkdown } from './summary-md.js';
export { renderBadge } from './badge.js';

/** Options of {@link writeReports}. */
export interface WriteReportsOptions {
  /** Passed to the JUnit renderer: `warn` verdicts become `<failure>`. Default false. */
  strict?: boolean;
}

/** Paths of the files {@link writeReports} wrote (each `join(outDir, <name>)`). */
export interface ReportPaths {
  json: string;
  junit: string;
  html: string;
  /** `summary.md`: the run in Markdown for a CI job summary. */
  summary: string;
  /** `badge.svg`: the result per protocol version as a status badge. */
  badge: string;
}

/**
 * Renders `results` and writes exactly `results.json`, `junit.xml`,
 * `report.html`, `summary.md` and `badge.svg` into `outDir` (created recursively if missing), replacing
 * existing files; the HTML carries the SHA-256 (hex) of the `results.json`
 * text written with it. All five are rendered before anything is written; each
 * file is written to a temporary name in `outDir` and renamed into place, so
 * a reader never sees a partial file. Returns the five paths.
 *
 * @throws the renderer's error if `results` cannot be serialised (nothing is
 *   written then), or the file-system error (EACCES, ENOSPC, ...) of mkdir,
 *   write or rename; a temporary file is removed on failure.
 */
export async function writeReports(
  results: RunResults,
  outDir: string,
  opts: WriteReportsOptions = {},
): Promise<ReportPaths> {
  const json = renderJson(results);
  const files = {
    json: ['results.json', json],
    junit: ['junit.xml', renderJUnit(results, { strict: opts.strict ?? false })],
    // The HTML names the results.json it belongs to by the SHA-256 of its exact text.
    html: ['report.html', renderHtml(results, { resultsSha256: createHash('sha256').update(json, 'utf8').digest('hex') })],
    summary: ['summary.md', renderSummaryMarkdown(results)],
    badge: ['badge.svg', renderBadge(results)],
  } as const;
  await mkdir(outDir, { recursive: true });
  const paths = {} as ReportPaths;
  for (const key of ['json', 'junit', 'html', 'summary', 'badge'] as const) {
    const [name, text] = files[key];
    paths[key] = join(outDir, name);
    await writeAtomically(paths[key], text);
  }
  return paths;
}
