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
}

/** Path of the built CLI entry. */
export const CLI_JS = join(PACKAGE_ROOT, 'dist', 'harness', 'cli.js');

/**
 * Runs the CLI with `args`.
 * @param opts.env extra environment; `opts.onSpawn` receives the child (e.g. to send SIGINT)
 * @param opts.killAfterMs hard bound: SIGKILL the CLI after this long (default 120000 ms)
 */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; onSpawn?: (pid: number) => void; killAfterMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_JS, '--no-color', ...args], {
      cwd: opts.cwd ?? PACKAGE_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 120_000);
    if (child.pid) opts.onSpawn?.(child.pid);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
