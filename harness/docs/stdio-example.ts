/**
 * The README's stdio example (section "Judging a stdio server", between
 * `<!-- stdio-example:begin -->` and `<!-- stdio-example:end -->`): the
 * console output of a real run of the built CLI against the npm package
 * `@modelcontextprotocol/server-memory` (a dev dependency) with
 * `--protocol-version all`, cut down to the lines that do not vary between
 * runs. `npm run gen` writes it ({@link runStdioExample}); the real stdio
 * server test (fixtures/real-stdio-servers.verdicts.test.ts) compares it
 * with the output of its own run of the same server and fails when stale.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../model/paths.js';

/** The `--stdio` command of the example, run from the package root (the same as fixtures/real-stdio-servers.ts uses). */
export const STDIO_EXAMPLE_COMMAND = 'node node_modules/@modelcontextprotocol/server-memory/dist/index.js';

/** The line that stands for left-out output lines in the excerpt. */
const ELIDED = '…';

/** A check line of the console report: a verdict tag (reports/console.ts VERDICT_TAGS), then `<check>@<version>`. */
const CHECK_LINE = /^(PASS |FAIL |WARN |INFO |N\/A  |SKIP |BLOCK|ERROR) \S+@\S+ {2}/;

/**
 * The stable part of the CLI's stdout (`--no-color`) for the README:
 *  - the `Judging at …` line (the discovery lines before it carry timings
 *    and are left out);
 *  - every check line that is neither PASS nor N/A, with its `->` detail
 *    line, sorted by the check line (the CLI prints them in the order the
 *    scenarios finish, which varies);
 *  - the summary from `Checks:` to the end of the level table, and the
 *    closing `exit N: …` line (the `Transport:` line before `Checks:`, which
 *    names `--cwd` when given, the duration and the report paths are left out).
 * Omitted stretches are marked by a line `…`. No trailing newline.
 * @throws Error when `stdout` has no `Judging at`, `Checks:` or `exit` line (not a finished run's output)
 */
export function stdioExampleExcerpt(stdout: string): string {
  const lines = stdout.split('\n');
  const judging = lines.find((l) => l.startsWith('Judging at '));
  const summaryAt = lines.findIndex((l) => l.startsWith('Checks: '));
  const exit = lines.findLast((l) => /^exit \d+: /.test(l));
  if (judging === undefined || summaryAt < 0 || exit === undefined) throw new Error('not the console output of a finished run (no "Judging at", "Checks:" or "exit" line)');
  const blocks: string[] = [];
  for (let i = 0; i < summaryAt; i++) {
    const m = CHECK_LINE.exec(lines[i]!);
    if (!m || m[1] === 'PASS ' || m[1] === 'N/A  ') continue;
    let block = lines[i]!;
    while (lines[i + 1]?.startsWith('      -> ')) block += `\n${lines[++i]!}`;
    blocks.push(block);
  }
  blocks.sort();
  const summaryEnd = lines.findIndex((l, i) => i > summaryAt && l.startsWith('Duration: '));
  const summary = lines.slice(summaryAt, summaryEnd < 0 ? undefined : summaryEnd);
  while (summary.at(-1) === '') summary.pop();
  return [ELIDED, judging, ELIDED, ...blocks, ELIDED, ...summary, ELIDED, exit].join('\n');
}

/** The README section text: the excerpt in a fenced code block. */
export function stdioExampleSection(excerpt: string): string {
  return `\`\`\`\n${excerpt}\n\`\`\``;
}

/**
 * Runs the built CLI (`dist/harness/cli.js`, next to this module's compiled
 * file) from the package root: `--no-color --stdio STDIO_EXAMPLE_COMMAND
 * --env MEMORY_FILE_PATH=<fresh temp file> --protocol-version all --out
 * <temp folder>`, and returns {@link stdioExampleExcerpt} of its stdout.
 * Takes as long as the run (tens of seconds). The temporary folder is removed.
 * @throws Error when the CLI cannot be run, is killed, or exits with a code other than 0 or 1 (its stderr in the message)
 */
export function runStdioExample(): string {
  const tmp = mkdtempSync(join(tmpdir(), 'msc-stdio-example-'));
  try {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.js');
    const args = ['--no-color', '--stdio', STDIO_EXAMPLE_COMMAND, '--env', `MEMORY_FILE_PATH=${join(tmp, 'memory.jsonl')}`, '--protocol-version', 'all', '--out', join(tmp, 'out')];
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    if (r.status !== 0 && r.status !== 1) throw new Error(`the stdio example run ended with ${r.status ?? r.signal}: ${r.stderr.slice(0, 2000)}`);
    return stdioExampleExcerpt(r.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
