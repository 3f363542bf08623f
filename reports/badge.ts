/**
 * `badge.svg`: a flat status badge (the common two-part form: a grey label,
 * a coloured message) stating the result per protocol version, for a
 * README or a registry page. Text only, no script, no external reference;
 * every string is XML-escaped.
 */
import type { RunResults } from '../harness/model/results.js';
import { resultStatements, type ResultStatement } from '../harness/model/statement.js';

/** Message colour by the worst statement: red for MUST failures, amber for inconclusive, green for conformant, grey when nothing was judged. */
export const BADGE_COLORS = { failures: '#c62828', inconclusive: '#b26a00', conformant: '#2e7d32', none: '#757575' } as const;

/** The badge's label (left part). */
export const BADGE_LABEL = 'MCP session conformance';

/** `s` with `&`, `<`, `>`, `"` and `'` as XML character references and the characters XML 1.0 forbids removed. */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu, '')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The short form of one statement on the badge, e.g. `2025-11-25 conformant`, `2025-11-25 2 MUST failures`. */
export function badgeWords(s: ResultStatement): string {
  switch (s.kind) {
    case 'conformant':
      return `${s.version} conformant`;
    case 'failures':
      return `${s.version} ${s.mustFailures} MUST failure${s.mustFailures === 1 ? '' : 's'}`;
    case 'inconclusive':
      return `${s.version} inconclusive`;
    default:
      return `${s.version} not supported`;
  }
}

/** Approximate rendered width in px of `s` in 11 px Verdana (per-character classes; enough to size a badge). */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[ilj.,:;|!'1]/.test(ch) ? 3.5 : /[A-Z]|[mwMW]/.test(ch) ? 8.5 : /[0-9a-z\- ]/.test(ch) ? 6.6 : 7.5;
  return Math.ceil(w);
}

/**
 * Renders the badge: label {@link BADGE_LABEL}, message the statements of
 * every version under test except those the server does not support,
 * joined by ` | ` (every version when none is supported), coloured by the
 * worst kind among them ({@link BADGE_COLORS}). The full statement texts are
 * in the SVG `<title>` (a tooltip, and what screen readers say). Sizes in px.
 * Never throws for a well-typed `results`.
 */
export function renderBadge(results: RunResults): string {
  const all = resultStatements(results);
  const judged = all.filter((s) => s.kind !== 'not-supported');
  const shown = judged.length ? judged : all;
  const message = shown.map(badgeWords).join(' | ') || 'no result';
  const color = judged.some((s) => s.kind === 'failures')
    ? BADGE_COLORS.failures
    : judged.some((s) => s.kind === 'inconclusive')
      ? BADGE_COLORS.inconclusive
      : judged.length
        ? BADGE_COLORS.conformant
        : BADGE_COLORS.none;
  const title = `${BADGE_LABEL} — ${all.map((s) => s.text).join('; ') || 'no result'}`;
  const pad = 6;
  const lw = textWidth(BADGE_LABEL) + 2 * pad;
  const mw = textWidth(message) + 2 * pad;
  const w = lw + mw;
  const text = (x: number, s: string) =>
    `<text x="${x}" y="15" fill="#010101" fill-opacity=".3">${escapeXml(s)}</text><text x="${x}" y="14">${escapeXml(s)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${escapeXml(`${BADGE_LABEL}: ${message}`)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${lw}" height="20" rx="3" fill="#555"/>`,
    `<rect x="${lw}" width="${mw}" height="20" rx="3" fill="${color}"/>`,
    `<rect x="${lw}" width="4" height="20" fill="${color}"/>`,
    `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">`,
    text(pad, BADGE_LABEL),
    text(lw + pad, message),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
