/**
 * The stdio transport of one scenario run: the server is a subprocess that
 * reads newline-delimited JSON-RPC on stdin and writes it on stdout. The
 * session is the process's lifetime, so a message sent outside any session
 * (an `initialize`, by default) goes to a process that has not yet been sent
 * an initialize — a fresh one when the current one has. Each exchange writes
 * one line and reads stdout lines until the awaited response, the window's
 * end, the deadline, an oversized line or the process's exit; every line is
 * recorded with its time, and framing faults are counted over the process's
 * whole stdout. Processes are stopped after the verdicts (close stdin, a
 * short grace, SIGTERM, SIGKILL).
 *
 * Spec: MCP 2025-03-26 .. 2025-11-25, basic/transports#stdio; basic/lifecycle#shutdown.
 */
import type { ExchangeRecord, StdioRecord } from '../model/results.js';
import type { SendSpec } from '../model/scenario.js';
import { interpolate } from '../model/interpolate.js';
import type { Exchange, ExchangeLimits } from './http.js';
import { StdioProcess, type ReadLine, type StdioCommand } from './stdio-process.js';
import { isStatelessMessage, withStatelessMeta } from './stateless.js';
import type { ScenarioTransport, SendContext, Sent } from './transport.js';

/** Grace (ms) a process gets to exit after its stdin is closed when a scenario run ends, before SIGTERM. */
export const STOP_GRACE_MS = 300;
/** Stderr characters quoted when a process exits mid-scenario. */
const STDERR_QUOTE = 600;

/** What the stdio transport of a scenario run needs. */
export interface StdioOptions extends StdioCommand {
  /** Per-exchange deadline (ms) and size bound of one stdout line (`maxResponseBytes`, bytes). */
  limits: ExchangeLimits;
  /** Aborted when the run is interrupted: exchanges in flight end, processes are killed. */
  signal?: AbortSignal;
  /** Grace (ms) before SIGTERM when the run ends (default {@link STOP_GRACE_MS}). */
  stopGraceMs?: number;
}

/** A stdio step that is not a message: close stdin, or signal the process group, then wait up to `waitMs` for the exit. */
export interface StdioControl {
  action: 'close-stdin' | 'signal';
  signal?: NodeJS.Signals;
  /** How long to wait for the process to exit (ms). */
  waitMs: number;
}

/** The id of `x` when it is a request (an object with a method and an id). */
function requestId(x: unknown): string | number | null | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) && 'method' in x && 'id' in x ? (x as { id: string | number | null }).id : undefined;
}

/**
 * The text of the line a send step writes, the id it awaits, and for a JSON
 * array (a batch) the ids of the requests in it, all awaited; `initialize`
 * says whether it carries an initialize (alone or in a batch).
 */
export function lineOf(
  msg: SendSpec,
  vars: Record<string, unknown>,
  nextId: () => number,
): { text: string; awaitId?: string | number | null; batchIds?: Array<string | number | null>; initialize?: boolean } {
  if (msg.raw !== undefined) return { text: interpolate(msg.raw, vars) };
  if ('json' in msg) {
    const json = interpolate(msg.json, vars);
    const isInit = (x: unknown) => !!x && typeof x === 'object' && (x as { method?: unknown }).method === 'initialize';
    if (Array.isArray(json)) {
      const batchIds = json.map(requestId).filter((id): id is string | number | null => id !== undefined);
      return { text: JSON.stringify(json), batchIds, initialize: json.some(isInit) };
    }
    const id = requestId(json);
    return { text: JSON.stringify(json), ...(id !== undefined ? { awaitId: id } : {}), initialize: isInit(json) };
  }
  const out: Record<string, unknown> = { jsonrpc: '2.0' };
  let awaitId: string | number | null | undefined;
  if (!msg.notification) {
    awaitId = 'id' in msg ? (msg.id as string | number | null) : nextId();
    out.id = awaitId;
  }
  out.method = msg.method;
  const params = msg.params !== undefined ? interpolate(msg.params, vars) : undefined;
  // The stateless form (2026-07-28): the per-request _meta goes into the params (stdio has no headers).
  if (isStatelessMessage(msg, vars)) {
    const version = typeof vars.protocolVersion === 'string' ? vars.protocolVersion : '';
    out.params = withStatelessMeta(params, version, msg.meta === undefined ? undefined : interpolate(msg.meta, vars));
  } else if (params !== undefined) out.params = params;
  return { text: JSON.stringify(out), ...(awaitId !== undefined ? { awaitId } : {}) };
}

/** A request the server sent to the client: a method and an id. */
function isServerRequest(m: unknown): boolean {
  return !!m && typeof m === 'object' && typeof (m as Record<string, unknown>).method === 'string' && 'id' in (m as Record<string, unknown>);
}

function isResponse(m: unknown): m is Record<string, unknown> {
  return !!m && typeof m === 'object' && !Array.isArray(m) && !('method' in m) && ('result' in m || 'error' in m);
}

/** A stdio transport, plus the control steps only stdio has. */
export interface StdioTransport extends ScenarioTransport {
  /** Closes stdin or signals the current process and waits for it to exit; the record says whether and how it did. */
  control(ctl: StdioControl, c: SendContext): Promise<Sent>;
  /** The current process (tests). */
  current(): StdioProcess | undefined;
}

/** Creates the stdio transport of one scenario run. */
export function stdioTransport(o: StdioOptions): StdioTransport {
  let proc: StdioProcess | undefined;
  let count = 0;
  const all: StdioProcess[] = [];
  const grace = o.stopGraceMs ?? STOP_GRACE_MS;
  const onAbort = () => all.forEach((p) => p.killNow());
  o.signal?.addEventListener('abort', onAbort, { once: true });

  const fresh = async (): Promise<StdioProcess> => {
    if (proc) await proc.stop(grace);
    proc = new StdioProcess(o, o.limits.maxResponseBytes);
    all.push(proc);
    count++;
    return proc;
  };

  const recordOf = (p: StdioProcess, stepId: string, startedAt: number, action: StdioRecord['action'], lines: ReadLine[], body?: string, signal?: string): ExchangeRecord => {
    const exit = p.exit();
    const tail = p.stderrTail();
    return {
      seq: -1,
      step: stepId,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      request: { method: action === 'write' ? 'STDIN' : action === 'close-stdin' ? 'CLOSE-STDIN' : `SIGNAL ${signal}`, url: 'stdio:', headers: {}, ...(body !== undefined ? { body } : {}) },
      stdio: {
        command: o.command,
        pid: p.pid,
        process: all.indexOf(p) + 1,
        action,
        ...(signal ? { signal } : {}),
        stdout: lines.map((l) => l.line),
        session: { lines: p.lineCount, faults: structuredClone(p.faults) },
        ...(exit ? { exit: { code: exit.code, signal: exit.signal, atMs: exit.atMs } } : {}),
        ...(tail ? { stderrTail: tail.slice(-4_096) } : {}),
      },
    };
  };

  const exitedError = (p: StdioProcess) => {
    const e = p.exit()!;
    const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
    const tail = p.stderrTail().trim();
    return { kind: 'exited' as const, message: `the server process ${how} ${e.atMs} ms after it started${tail ? `; stderr ends: ${JSON.stringify(tail.slice(-STDERR_QUOTE))}` : ' (nothing on stderr)'}` };
  };

  const transport: StdioTransport = {
    kind: 'stdio',
    current: () => proc,

    async message(msg, c) {
      const outside = (msg.session ?? (msg.method === 'initialize' ? 'none' : 'current')) === 'none';
      const p = !proc || msg.connection === 'new' || (outside && proc.initializeSent) ? await fresh() : proc;
      const { text, awaitId, batchIds, initialize } = lineOf(msg, c.vars, c.nextId);
      if (msg.method === 'initialize' || initialize) p.initializeSent = true;
      const startedAt = Date.now();
      // Lines the server wrote before this message (a banner, late notifications) belong to this exchange's reading.
      const lines: ReadLine[] = p.takeAll();
      const written = p.write(text);
      const windowMs = c.windowMs;
      // A window bounds the read without error for what a server may rightly leave unanswered (a notification) or
      // may drop (a raw line, a JSON value the harness did not build as a request: a batch, an invalid request); the
      // answer to a request the harness built is always awaited up to the exchange deadline, so a slow server under
      // load is never taken for a silent one.
      const windowBounds = windowMs !== undefined && (msg.method === undefined || msg.notification === true);
      const deadline = startedAt + (windowBounds ? windowMs : o.limits.timeoutMs);
      // A request read with a window also ends at the window's end once the server has sent a request of its own in
      // this exchange: it is then waiting for the client (the harness answers no server request), so its answer may
      // rightly never come (e.g. a tool waiting for a sampling result). Over Streamable HTTP the window bounds the read.
      const windowEnd = windowMs !== undefined && !windowBounds ? startedAt + windowMs : undefined;
      const askedClient = (): boolean => lines.some((l) => l.messages.some(isServerRequest));
      let error: ExchangeRecord['error'];
      let windowExpired = false;
      const done = (): boolean => {
        const responses = lines.flatMap((l) => l.messages).filter(isResponse);
        if (awaitId !== undefined) return responses.some((m) => m.id === awaitId);
        // A batch: every request in it answered (a server may answer with one array line or one line each).
        if (batchIds?.length) return batchIds.every((id) => responses.some((m) => m.id === id));
        // Without an id to wait for (a notification, a raw or id-less message): a notification is done once written;
        // anything else once some response arrives (e.g. a parse error with a null id).
        return msg.notification === true ? windowMs === undefined : responses.length > 0;
      };
      for (;;) {
        lines.push(...p.takeAll());
        const over = lines.find((l) => l.oversized);
        if (over) {
          error = { kind: 'size-limit', message: `a stdout line exceeded the size bound of ${o.limits.maxResponseBytes} bytes` };
          break;
        }
        if (written && done()) break;
        if (p.exit()) {
          if (!(msg.notification && windowMs === undefined)) error = exitedError(p);
          break;
        }
        if (!written) {
          error = { kind: 'exited', message: 'the server process had closed its stdin' };
          break;
        }
        if (o.signal?.aborted) {
          error = { kind: 'connection', message: 'the run was interrupted' };
          break;
        }
        const now = Date.now();
        if (windowEnd !== undefined && now >= windowEnd && askedClient()) {
          windowExpired = true;
          break;
        }
        const left = deadline - now;
        if (left <= 0) {
          if (windowBounds) windowExpired = true;
          else error = { kind: 'timeout', message: `no response within ${o.limits.timeoutMs} ms` };
          break;
        }
        await p.next(windowEnd !== undefined && now < windowEnd ? Math.min(left, windowEnd - now) : left);
      }
      const record = recordOf(p, c.stepId, startedAt, 'write', lines, text);
      if (error) record.error = error;
      if (windowExpired) record.windowExpired = true;
      const messages = lines.flatMap((l) => l.messages);
      const answer = awaitId !== undefined ? messages.filter(isResponse).find((m) => m.id === awaitId) : messages.find(isResponse);
      const ex: Exchange = {
        record,
        messages,
        ...(answer !== undefined ? { json: answer } : {}),
        unparsedEvents: lines.filter((l) => l.faults.includes('not-json')).map((l) => l.line.text),
        ...(windowMs !== undefined && !error ? { windowEnd: windowExpired ? ('window' as const) : ('server' as const) } : {}),
      };
      return { ex, ...(awaitId !== undefined ? { awaitId } : {}) };
    },

    async control(ctl, c) {
      const p = proc ?? (await fresh());
      const startedAt = Date.now();
      const lines = p.takeAll();
      const actedAtMs = p.elapsed();
      if (ctl.action === 'close-stdin') p.closeStdin();
      else p.signal(ctl.signal ?? 'SIGTERM');
      await p.waitExit(ctl.waitMs);
      lines.push(...p.takeAll());
      const record = recordOf(p, c.stepId, startedAt, ctl.action, lines, undefined, ctl.action === 'signal' ? (ctl.signal ?? 'SIGTERM') : undefined);
      const exit = p.exit();
      const what = ctl.action === 'close-stdin' ? 'stdin was closed' : `${ctl.signal ?? 'SIGTERM'} was sent`;
      record.note = exit
        ? `the process exited ${Math.max(0, exit.atMs - actedAtMs)} ms after ${what}`
        : `the process was still running ${ctl.waitMs} ms after ${what}`;
      return { ex: { record, messages: lines.flatMap((l) => l.messages), unparsedEvents: [] } };
    },

    async http() {
      throw new Error('an http step cannot run over stdio (the scenario should list only streamable-http, or narrow the step)');
    },

    async close() {
      o.signal?.removeEventListener('abort', onAbort);
      await Promise.all(all.map((p) => (o.signal?.aborted ? (p.killNow(), p.stop(0)) : p.stop(grace))));
      proc = undefined;
    },
  };
  return transport;
}
