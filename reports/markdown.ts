/**
 * Markdown text helpers for the Markdown reports (`diff --format markdown`,
 * `summary.md`): whatever a string holds — target data such as
 * `serverInfo`, observations, file names — it renders as that literal text
 * in one table cell or line of GitHub-flavoured Markdown (pull-request
 * comments, CI job summaries), never as markup, a link, an image, raw HTML
 * or a mention.
 */

/** Characters with a Markdown meaning that are backslash-escaped. */
const MD_PUNCT = /[\\`*_{}[\]()#+\-.!|~]/g;

/**
 * `s` as literal Markdown text for a single line or table cell: control
 * characters and line breaks become spaces, `&`, `<`, `>` and `@` become HTML
 * character references (no raw HTML, no mentions), and every Markdown
 * punctuation character (`\` `` ` `` `*` `_` `{` `}` `[` `]` `(` `)` `#` `+`
 * `-` `.` `!` `|` `~`) is backslash-escaped. Never throws.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;')
    .replace(MD_PUNCT, (c) => `\\${c}`);
}

/**
 * A Markdown table: a header row, a delimiter row and one row per entry of
 * `rows`; every cell is passed through {@link escapeMarkdown} unless its
 * column index is in `raw` (cells the caller built from escaped parts).
 */
export function markdownTable(header: string[], rows: string[][], raw: ReadonlySet<number> = new Set()): string {
  const cell = (s: string, i: number) => (raw.has(i) ? s : escapeMarkdown(s));
  return [
    `| ${header.map(escapeMarkdown).join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}
