/** The contract between the runner and a named probe. */
import type { Exchange, ExchangeWatch } from '../transport/http.js';
import type { HttpRequestSpec, ScenarioResource, SendSpec, TransportKind } from '../model/scenario.js';
import type { ExchangeRecord } from '../model/results.js';

/** What a probe may do: send requests built like an `http` step's, and read its parameters. */
export interface ProbeContext {
  /** Parameters from the step's `with:` (after `{{}}` substitution). */
  params: Record<string, unknown>;
  /** Protocol revision under test. */
  protocolVersion: string;
  /**
   * Sends one request with the step's header presets applied. Requests
   * started without awaiting run concurrently; each is numbered in the
   * transcript when it ends.
   * `transcript: false` keeps bulk traffic out of the transcript (it is counted instead).
   * `watch` observes a `windowMs` read while it runs (head, SSE messages) and can stop it early.
   */
  request(spec: HttpRequestSpec, opts?: { transcript?: boolean; watch?: ExchangeWatch }): Promise<Exchange>;
  /**
   * Sends one transport-neutral message, as a `send` step does (an
   * `initialize` outside any session opens a new one: over stdio, a process
   * of its own), and reads its answer (`windowMs`: read that long). The only
   * way a probe that lists stdio in `transports` may talk to the target.
   */
  message(msg: SendSpec, opts?: { transcript?: boolean; windowMs?: number; session?: ProbeSession }): Promise<Exchange>;
  /** The transport of this run. */
  transport: TransportKind;
  /** Adds a copy of an exchange record (e.g. one of a shared sample taken by another scenario run) to this run's transcript, with `note` appended. */
  record(rec: ExchangeRecord, note?: string): void;
  /**
   * Run-wide memo: the first call with `key` runs `fn`; every scenario run of
   * the same run (any protocol version) gets that same promise. For samples
   * taken once per run (the session-ID sample).
   */
  once<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `work` while the probe only watches (e.g. a GET stream read to the
   * end of its window after its requests were answered): the scenario run
   * gives its scheduler place up meanwhile. Nothing may be sent inside it
   * but what `work` already started.
   */
  idle<W>(work: () => Promise<W>): Promise<W>;
  /** Median `initialize` latency measured before the run (discovery), in ms; absent when unknown. */
  initializeLatencyMs?: number;
  /** Aborted when the run is interrupted or reaches its deadline. */
  signal?: AbortSignal;
}

/**
 * A session a probe opened itself (with an `initialize` sent through
 * `message`), for the messages it then sends in it: Streamable HTTP takes
 * its `Mcp-Session-Id` and negotiated `MCP-Protocol-Version` from here
 * instead of the scenario run's captures; over stdio the session is the
 * process the initialize went to, so this changes nothing there.
 */
export interface ProbeSession {
  sessionId?: string;
  negotiatedVersion?: string;
}

/** A probe's output: matched by `pointer` matchers in the step's outcomes; `summary` is shown as observed. */
export interface ProbeOutput {
  summary: string;
  [key: string]: unknown;
}

/** A named probe: what cannot be declared in YAML (statistics over many exchanges, concurrency). */
export interface Probe {
  description: string;
  /** Server resources the probe holds while it runs (`get-stream` when it opens GET streams); a scenario using it must declare them in `holds`. */
  holds?: ScenarioResource[];
  /** What a run of it typically takes against a responsive server (ms), for the scheduler's longest-first order (default 0: quick); never a bound. */
  estimateMs?: number;
  /** Transports it can speak (default `[streamable-http]`); one that lists stdio uses only `message`, never `request`. */
  transports?: TransportKind[];
  /**
   * Runs the probe. Target misbehaviour is reported in the output, never thrown.
   * @returns output, or `error` when the probe could not decide (e.g. every exchange timed out)
   */
  run(ctx: ProbeContext): Promise<{ output: ProbeOutput; error?: { kind: string; message: string } }>;
}
