/**
 * One MCP server run as a subprocess for the stdio transport: started with
 * `/bin/sh -c` in its own process group; stdin written one line at a time;
 * stdout split into lines (bytes, strict UTF-8, framing faults classified);
 * stderr kept as a tail (logs are allowed there and never judged); the whole
 * group stopped on every path (close stdin, then SIGTERM, then SIGKILL).
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#stdio (newline-delimited
 * JSON-RPC on stdin/stdout, UTF-8, nothing else on stdout); basic/lifecycle#stdio
 * (shutdown: close stdin, wait, SIGTERM, wait, SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { StdoutFault, StdoutLine } from '../model/results.js';
import { groupAlive } from '../util/process-group.js';

/** Bytes of stderr kept (the tail). */
export const STDERR_TAIL_BYTES = 64 * 1024;
/** Characters of a stdout line kept in the transcript (the line is still parsed whole up to the size bound). */
export const LINE_TEXT_BOUND = 16 * 1024;
/** Longest wait (ms) after the process exits for the rest of its stdout, when a child it left holds the pipe open. */
export const EXIT_DRAIN_MS = 200;
/** How often (ms) the process group is looked at after its leader exited, until no member is left. */
const GROUP_POLL_MS = 25;
/** Offending lines kept per framing fault. */
const FIRST_FAULTS = 3;

/** How to start the server. */
export interface StdioCommand {
  /** Shell command line, run with `/bin/sh -c`. */
  command: string;
  /** Working directory (default: the harness's). */
  cwd?: string;
  /** Variables added to the harness's environment. */
  env?: Record<string, string>;
}

/** A parsed stdout line: the transcript record plus the JSON-RPC messages it holds. */
export interface ReadLine {
  line: StdoutLine;
  /** Messages on the line: the object, or the elements of an array; empty when it is not JSON. */
  messages: unknown[];
  /** The line's framing faults. */
  faults: StdoutFault[];
  /** Set when the line exceeded the size bound (it was cut and is not parsed). */
  oversized?: boolean;
}

/** How the process ended. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** Milliseconds since the process started. */
  atMs: number;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

function isMessage(x: unknown): boolean {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  return m.jsonrpc === '2.0' && (typeof m.method === 'string' || ('id' in m && ('result' in m || 'error' in m)));
}

/** Classifies one stdout line (without its `\n`). */
export function classifyLine(bytes: Buffer, atMs: number, maxBytes: number): ReadLine {
  const oversized = bytes.length > maxBytes;
  const raw = oversized ? bytes.subarray(0, maxBytes) : bytes;
  const faults: StdoutFault[] = [];
  let text: string;
  try {
    text = strict.decode(raw);
  } catch {
    text = lossy.decode(raw);
    faults.push('invalid-utf8');
  }
  const crlf = text.endsWith('\r');
  if (crlf) {
    text = text.slice(0, -1);
    faults.push('crlf');
  }
  const line: StdoutLine = {
    atMs,
    text: text.length > LINE_TEXT_BOUND ? text.slice(0, LINE_TEXT_BOUND) : text,
    bytes: bytes.length,
    ...(faults.includes('invalid-utf8') ? { invalidUtf8: true } : {}),
    ...(crlf ? { crlf: true } : {}),
    ...(oversized || text.length > LINE_TEXT_BOUND ? { truncated: true } : {}),
  };
  if (oversized) return { line, messages: [], faults: [...faults, 'not-json'], oversized: true };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { line, messages: [], faults: [...faults, 'not-json'] };
  }
  if (Array.isArray(parsed)) {
    faults.push('batch-array');
    if (parsed.length === 0 || !parsed.every(isMessage)) faults.push('not-json-rpc');
    return { line, messages: parsed.filter((x) => x && typeof x === 'object'), faults };
  }
  if (!isMessage(parsed)) faults.push('not-json-rpc');
  return { line, messages: parsed && typeof parsed === 'object' ? [parsed] : [], faults };
}

/** A running (or exited) stdio server. */
export class StdioProcess {
  readonly pid: number;
  readonly startedAt = Date.now();
  /** Lines read and not yet taken by an exchange. */
  private queue: ReadLine[] = [];
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private stderr = '';
  private exitInfo: ProcessExit | undefined;
  private waiters = new Set<() => void>();
  private stopping: Promise<void> | undefined;
  private readonly child: ChildProcess;
  private readonly onHarnessExit = () => this.killNow();
  /** Number of stdout lines so far. */
  lineCount = 0;
  /** Framing faults so far: count and first offending lines. */
  readonly faults: Partial<Record<StdoutFault, { count: number; first: StdoutLine[] }>> = {};
  /** True once an `initialize` was written to it (it then holds a session). */
  initializeSent = false;

  /**
   * Starts `cmd`. Never throws: a command that cannot start exits at once
   * (the shell reports it on stderr, exit code 127).
   * @param maxLineBytes size bound of one stdout line (bytes)
   */
  constructor(
    readonly cmd: StdioCommand,
    private readonly maxLineBytes: number,
  ) {
    this.child = spawn('/bin/sh', ['-c', cmd.command], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
      env: { ...process.env, ...cmd.env },
    });
    this.pid = this.child.pid ?? -1;
    process.on('exit', this.onHarnessExit);
    // Writing to a process that exited is not a harness fault: the exchange reports the exit.
    this.child.stdin?.on('error', () => undefined);
    this.child.stdout?.on('data', (c: Buffer) => this.onStdout(c));
    this.child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString('utf8');
      if (this.stderr.length > STDERR_TAIL_BYTES) this.stderr = this.stderr.slice(-STDERR_TAIL_BYTES);
    });
    this.child.once('error', (e) => {
      this.stderr += `spawn error: ${e.message}\n`;
      this.exitInfo ??= { code: -1, signal: null, atMs: this.elapsed() };
      this.wake();
    });
    // The exit counts when the process exits, even if a child it left behind still holds stdout open; what the
    // process wrote before it exited is read first ('close', or at most EXIT_DRAIN_MS after the exit).
    const ended = (code: number | null, signal: NodeJS.Signals | null, atMs: number) => {
      if (this.exitInfo) return;
      this.flushPartial();
      this.exitInfo = { code, signal, atMs };
      this.wake();
    };
    // The server has exited when the shell that started it has and no process of its group is left (a shell may stay
    // the server's parent, and dies of a SIGTERM the server itself ignores).
    this.child.once('exit', (code, signal) => {
      const settle = () => {
        const atMs = this.elapsed();
        const t = setTimeout(() => ended(code, signal, atMs), EXIT_DRAIN_MS);
        t.unref();
        this.child.once('close', () => {
          clearTimeout(t);
          ended(code, signal, atMs);
        });
        if (this.child.stdout?.destroyed !== false) ended(code, signal, atMs);
      };
      const poll = () => {
        if (this.pid <= 0 || !groupAlive(this.pid)) settle();
        else setTimeout(poll, GROUP_POLL_MS).unref();
      };
      poll();
    });
  }

  /** Milliseconds since start. */
  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  private take(bytes: Buffer): void {
    const rl = classifyLine(bytes, this.elapsed(), this.maxLineBytes);
    // Empty lines carry nothing and break nothing (MCP stdio speaks of messages, not blank lines).
    if (bytes.length === 0 || (rl.line.text === '' && !rl.oversized)) return;
    this.lineCount++;
    for (const f of rl.faults) {
      const e = (this.faults[f] ??= { count: 0, first: [] });
      e.count++;
      if (e.first.length < FIRST_FAULTS) e.first.push(rl.line);
    }
    this.queue.push(rl);
    this.wake();
  }

  private onStdout(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, start)) {
      if (this.discarding) this.discarding = false;
      else {
        this.partial.push(chunk.subarray(start, i));
        this.take(Buffer.concat(this.partial));
      }
      this.partial = [];
      this.partialBytes = 0;
      start = i + 1;
    }
    if (start < chunk.length && !this.discarding) {
      const rest = chunk.subarray(start);
      this.partial.push(rest);
      this.partialBytes += rest.length;
      // A line longer than the bound is taken (cut, as not JSON) at once; the rest of it is dropped.
      if (this.partialBytes > this.maxLineBytes) {
        this.take(Buffer.concat(this.partial).subarray(0, this.maxLineBytes + 1));
        this.partial = [];
        this.partialBytes = 0;
        this.discarding = true;
      }
    }
  }

  /** True while the rest of an oversized line is being dropped. */
  private discarding = false;

  private flushPartial(): void {
    if (this.partial.length && !this.discarding) this.take(Buffer.concat(this.partial));
    this.partial = [];
    this.partialBytes = 0;
  }

  /** Takes the lines read so far. */
  drain(): ReadLine[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Resolves on the next line, exit or overflow, or after `ms`. */
  next(ms: number): Promise<void> {
    if (this.queue.length || this.exitInfo) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  /** How the process ended; undefined while it runs. */
  exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** The stderr tail so far. */
  stderrTail(): string {
    return this.stderr;
  }

  /** Writes `text` and a newline to stdin; false when stdin is closed. */
  write(text: string): boolean {
    const stdin = this.child.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded || this.exitInfo) return false;
    stdin.write(`${text}\n`);
    return true;
  }

  /** Closes stdin (the client's shutdown signal). */
  closeStdin(): void {
    this.child.stdin?.end();
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.pid > 0)
      try {
        process.kill(-this.pid, signal);
      } catch {
        /* already gone */
      }
  }

  /** Sends SIGKILL to the group at once (for exit paths that cannot wait). */
  killNow(): void {
    this.signal('SIGKILL');
  }

  /** Resolves when the process has exited (and stdout is read), or after `ms`; true when it exited. */
  async waitExit(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.exitInfo && Date.now() < deadline) {
      await this.next(deadline - Date.now());
      this.drainInto();
    }
    return this.exitInfo !== undefined;
  }

  /** Lines read while waiting for an exit are kept for the next exchange. */
  private kept: ReadLine[] = [];
  private drainInto(): void {
    this.kept.push(...this.drain());
  }
  /** Lines read while waiting for an exit, then the queue. */
  takeAll(): ReadLine[] {
    const out = [...this.kept, ...this.drain()];
    this.kept = [];
    return out;
  }

  /**
   * Stops the whole process group; idempotent. Closes stdin and waits
   * `graceMs` for the process to end on its own, then SIGTERM and up to 1 s,
   * then SIGKILL.
   */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      this.closeStdin();
      const gone = () => this.exitInfo !== undefined && (this.pid <= 0 || !groupAlive(this.pid));
      const until = async (ms: number) => {
        const deadline = Date.now() + ms;
        while (!gone() && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
          this.drainInto();
        }
      };
      await until(graceMs);
      if (!gone()) {
        this.signal('SIGTERM');
        await until(1_000);
      }
      if (!gone()) {
        this.killNow();
        await until(2_000);
      }
      // A descendant that escaped the process group may still hold the pipes: they must not keep the harness alive.
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      this.child.stdin?.destroy();
      process.off('exit', this.onHarnessExit);
    })();
    return this.stopping;
  }
}
