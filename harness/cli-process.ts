/**
 * Test and benchmark helper: runs the built CLI (`dist/harness/cli.js`) as a
 * child process and collects its output. Requires `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

/** Result of one CLI process. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time in ms. */
  ms: number;
  /** The output line `opts.onLine` acted on; undefined when no line matched (its action never ran). */
  actedOn?: string;
}

/**
 * Acts once on the first line of the CLI's output that matches: the way a
 * test sends a signal on an observed event (e.g. the first `PASS` line)
 * instead of after a fixed delay.
 */
export interface OnLine {
  /** Which output stream to watch. */
  stream: 'stdout' | 'stderr';
  /** Tested against each complete line (without its newline), in order of arrival; give it no `g` or `y` flag (stateful `test`). */
  match: RegExp;
  /**
   * Called synchronously, at most once, with the first matching line and the
   * CLI's pid (e.g. `process.kill(pid, 'SIGINT')`). An exception thrown here
   * is caught: the CLI is killed (SIGKILL) and the run rejects with it.
   */
  act: (line: string, pid: number) => void;
}

/** Path of the built CLI entry. */
export const CLI_JS = join(PACKAGE_ROOT, 'dist', 'harness', 'cli.js');

/**
 * Runs the CLI with `args`.
 * @param opts.env extra environment; `opts.onSpawn` receives the child's pid
 * @param opts.onLine act once on the first matching output line (see {@link OnLine}); `CliRun.actedOn` tells whether it did
 * @param opts.killAfterMs hard bound: SIGKILL the CLI after this long (default 120000 ms)
 * @returns once the CLI exited and its output streams closed; rejects only when `opts.onLine.act` threw
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; onSpawn?: (pid: number) => void; onLine?: OnLine; killAfterMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, '--no-color', ...args], {
      cwd: opts.cwd ?? PACKAGE_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let actedOn: string | undefined;
    let actError: unknown;
    const watch = opts.onLine;
    /** Start of the watched stream's line not yet tested. */
    let lineStart = 0;
    const scan = (text: string) => {
      if (!watch || actedOn !== undefined || actError !== undefined) return;
      for (let nl = text.indexOf('\n', lineStart); nl >= 0; nl = text.indexOf('\n', lineStart)) {
        const line = text.slice(lineStart, nl);
        lineStart = nl + 1;
        if (!watch.match.test(line)) continue;
        actedOn = line;
        try {
          watch.act(line, child.pid!);
        } catch (e) {
          actError = e;
          child.kill('SIGKILL');
        }
        return;
      }
    };
    // Decoded as a stream: a character split between chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
      if (watch?.stream === 'stdout') scan(stdout);
    });
    child.stderr.on('data', (c: string) => {
      stderr += c;
      if (watch?.stream === 'stderr') scan(stderr);
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 120_000);
    if (child.pid) opts.onSpawn?.(child.pid);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (actError !== undefined) reject(actError);
      else resolve({ code, signal, stdout, stderr, ms: Date.now() - started, ...(actedOn !== undefined ? { actedOn } : {}) });
    });
  });
}
