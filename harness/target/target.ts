/**
 * Targets: a URL to judge, optionally served by a command the harness starts.
 * A started command runs in its own process group, and the whole group is
 * stopped afterwards (SIGTERM, then SIGKILL after a grace period) — also on
 * harness errors and signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { groupAlive } from '../util/process-group.js';

export { groupAlive } from '../util/process-group.js';

/** The target could not be started or reached: the CLI exits 2. */
export class TargetError extends Error {
  constructor(
    message: string,
    /** Tail of the target's stderr, when the harness started it. */
    readonly stderr?: string,
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** Bytes of stdout/stderr kept from a started target (the tail). */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when a TCP connection to host:port succeeds within `timeoutMs`; rejects otherwise. */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.end();
      resolve();
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    });
  });
}

function hostPort(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

/**
 * Checks that `url` is a usable http(s) URL and that its host accepts TCP connections.
 * @throws TargetError when the URL is malformed or nothing listens there within `timeoutMs`
 */
export async function assertReachable(url: string, timeoutMs: number): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TargetError(`not a valid URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TargetError(`unsupported URL scheme ${u.protocol} (use http: or https:)`);
  const { host, port } = hostPort(u);
  try {
    await tcpProbe(host, port, timeoutMs);
  } catch (e) {
    throw new TargetError(`target ${url} is unreachable: ${(e as Error).message}`);
  }
}

class Tail {
  private buf = '';
  push(chunk: Buffer): void {
    this.buf += chunk.toString('utf8');
    if (this.buf.length > OUTPUT_TAIL_BYTES) this.buf = this.buf.slice(-OUTPUT_TAIL_BYTES);
  }
  toString(): string {
    return this.buf;
  }
}

/** A target process started by the harness. */
export interface StartedTarget {
  url: string;
  command: string;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Exit code once the leader exited (null: killed by a signal; undefined: still running). */
  exitCode(): number | null | undefined;
  /** Resolves when the leader has exited (whatever the cause). */
  readonly exited: Promise<void>;
  /** True once `stop` was called: an exit after that is the harness's doing, not the target's. */
  stopRequested(): boolean;
  /** Stops the whole process group; idempotent. @param graceMs wait between SIGTERM and SIGKILL */
  stop(graceMs?: number): Promise<void>;
  /** Sends SIGKILL to the group at once (for process exit paths that cannot wait). */
  killNow(): void;
}

/**
 * Starts `command` through `/bin/sh -c` in a new process group, with `PORT`
 * set, and waits until the URL's port accepts TCP connections.
 *
 * `{port}` in `command` and `urlTemplate` is replaced by a free loopback port;
 * without `{port}` the URL's own port is used.
 * @param startupTimeoutMs how long to wait for the port to open (ms)
 * @throws TargetError when the process exits first or the port stays closed; the group is stopped first
 */
export async function startCommand(command: string, urlTemplate: string, startupTimeoutMs: number): Promise<StartedTarget> {
  let port: number;
  if (urlTemplate.includes('{port}') || command.includes('{port}')) port = await freePort();
  else {
    try {
      port = hostPort(new URL(urlTemplate)).port;
    } catch {
      throw new TargetError(`not a valid URL: ${urlTemplate}`);
    }
  }
  const url = urlTemplate.replaceAll('{port}', String(port));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetError(`not a valid URL: ${url}`);
  }
  const cmd = command.replaceAll('{port}', String(port));
  if (!urlTemplate.includes('{port}') && !command.includes('{port}')) {
    // A fixed port already served by something else would have us judge the wrong server.
    const taken = await tcpProbe(hostPort(parsed).host, port, 300).then(
      () => true,
      () => false,
    );
    if (taken) throw new TargetError(`port ${port} is already in use before ${cmd} started; stop what listens there or use {port} in --url`);
  }
  const child: ChildProcess = spawn('/bin/sh', ['-c', cmd], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port) },
  });
  const out = new Tail();
  const err = new Tail();
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  let code: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (c, sig) => {
      code = sig ? null : c;
      resolve();
    });
    child.once('error', (e) => {
      err.push(Buffer.from(`spawn error: ${e.message}\n`));
      code = code ?? -1;
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  let stopped: Promise<void> | undefined;
  const killNow = () => {
    if (pid > 0)
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
  };
  const onExit = () => killNow();
  process.on('exit', onExit);
  const target: StartedTarget = {
    url,
    command: cmd,
    pid,
    stdout: () => out.toString(),
    stderr: () => err.toString(),
    exitCode: () => code,
    exited,
    stopRequested: () => stopped !== undefined,
    killNow,
    stop(graceMs = 2_000) {
      stopped ??= (async () => {
        if (pid > 0 && groupAlive(pid)) {
          try {
            process.kill(-pid, 'SIGTERM');
          } catch {
            /* gone */
          }
          const deadline = Date.now() + graceMs;
          while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
          if (groupAlive(pid)) killNow();
          while (groupAlive(pid) && Date.now() < deadline + 1_000) await new Promise((r) => setTimeout(r, 25));
        }
        // The group is gone; its leader's exit event (and so its exit code) follows soon, even on a busy loop.
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000).unref())]);
        process.off('exit', onExit);
      })();
      return stopped;
    },
  };
  if (pid <= 0) {
    await target.stop();
    throw new TargetError(`could not start target command: ${cmd}`, err.toString());
  }

  const { host } = hostPort(parsed);
  const deadline = Date.now() + startupTimeoutMs;
  for (;;) {
    if (code !== undefined) {
      await target.stop();
      throw new TargetError(`target command exited with ${code === null ? 'a signal' : `code ${code}`} before ${url} accepted connections: ${cmd}`, err.toString());
    }
    try {
      await tcpProbe(host, port, Math.max(50, Math.min(500, deadline - Date.now())));
      return target;
    } catch {
      if (Date.now() >= deadline) {
        await target.stop();
        throw new TargetError(`target command did not open ${host}:${port} within ${startupTimeoutMs} ms: ${cmd}`, err.toString());
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
    }
  }
}

/** Bytes of the target's stderr quoted when it is gone (its last lines). */
export const GONE_STDERR_CHARS = 600;

/** How long, after its port refused a connection, the harness waits for a started target's exit to be reported (ms). */
export const EXIT_GRACE_MS = 1_000;

/** TCP probes after a broken connection before a target that accepts them is taken as up, and the gap between them (ms). */
const PROBE_TRIES = 3;
const PROBE_GAP_MS = 150;

/**
 * Tells whether the target went away during the run (structurally the
 * engine's `TargetLiveness`): words for why, or undefined while it is up.
 */
export interface TargetWatch {
  /** Without waiting: words for a started process that has exited (not by the harness's `stop`), else undefined. */
  known(): string | undefined;
  /**
   * After an exchange broke on its connection: resolves words when the
   * target is gone — a started process that exited (its exit code and the
   * end of its stderr), or a port that refuses connections — and undefined
   * while it still accepts connections (three TCP probes 150 ms apart, as a
   * dying process may accept one last connection; a probe that timed out
   * counts as accepted). Never rejects.
   */
  check(): Promise<string | undefined>;
}

/** The last lines of a stderr tail, at most `GONE_STDERR_CHARS`, quoted; `no stderr output` when empty. */
export function stderrEnd(stderr: string): string {
  const t = stderr.trimEnd();
  if (!t) return 'no stderr output';
  return `stderr ends: ${JSON.stringify(t.length > GONE_STDERR_CHARS ? `…${t.slice(-GONE_STDERR_CHARS)}` : t)}`;
}

/**
 * Watches the target of a run for going away mid-run: `url`'s host and
 * port, and the process the harness started for it when there is one.
 * @param url the MCP endpoint being judged
 * @param started the started target (`--command`, the bundled reference), if any
 */
export function watchTarget(url: string, started?: StartedTarget): TargetWatch {
  let host = '';
  let port = 0;
  try {
    ({ host, port } = hostPort(new URL(url)));
  } catch {
    /* not a URL: nothing to probe */
  }
  const known = (): string | undefined => {
    if (!started || started.stopRequested()) return undefined;
    const code = started.exitCode();
    if (code === undefined) return undefined;
    return `the target process (pid ${started.pid}) exited ${code === null ? 'on a signal' : `with code ${code}`} during the run; ${stderrEnd(started.stderr())}`;
  };
  return {
    known,
    async check() {
      const now = known();
      if (now !== undefined || started?.stopRequested() || !port) return now;
      // A process on its way out may still accept a connection or two (its listening socket closes last): a port
      // that accepts is asked again, PROBE_TRIES times in all, PROBE_GAP_MS apart, before the target is taken as up.
      let refused: NodeJS.ErrnoException | undefined;
      for (let i = 0; i < PROBE_TRIES && !refused && known() === undefined; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, PROBE_GAP_MS)); // kept referenced: the run waits on it
        refused = await tcpProbe(host, port, 1_000).then(
          () => undefined,
          (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? e : undefined),
        );
      }
      if (!refused) return known();
      if (started) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([started.exited, new Promise((r) => (timer = setTimeout(r, EXIT_GRACE_MS)))]);
        clearTimeout(timer);
      }
      return known() ?? `the target no longer accepts connections at ${host}:${port} (${refused.code})`;
    },
  };
}
