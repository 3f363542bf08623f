/**
 * The results model: what a finished (or interrupted) run produced. This is
 * the single source of truth that every renderer in `reports/` reads; it is
 * serialised unchanged as `results.json` and validated against
 * `schemas/results.schema.json`.
 *
 * Reports import this module for its types only.
 */

/** Verdict of one check at one protocol version (see README, "Verdicts"). */
export type Verdict =
  | 'pass'
  | 'fail'
  | 'warn'
  | 'info'
  | 'not-applicable'
  | 'skipped'
  | 'blocked'
  | 'error';

/** Every verdict, in the order reports list them. */
export const VERDICTS: readonly Verdict[] = [
  'pass',
  'fail',
  'warn',
  'info',
  'not-applicable',
  'skipped',
  'blocked',
  'error',
];

/**
 * Requirement level of a check, as the spec keyword says (RFC 2119 terms).
 * `INFO` marks an observation of behaviour the spec leaves undefined: such a
 * check can only ever yield `pass` or `info`.
 */
export type Level = 'MUST' | 'MUST NOT' | 'SHOULD' | 'SHOULD NOT' | 'MAY' | 'INFO';

/** Every level, strictest first. */
export const LEVELS: readonly Level[] = ['MUST', 'MUST NOT', 'SHOULD', 'SHOULD NOT', 'MAY', 'INFO'];

/** One Server-Sent Event as received (`data` is the joined data lines). */
export interface SseEventRecord {
  event?: string;
  id?: string;
  data: string;
  retry?: number;
}

/** Why an exchange produced no usable response. */
export type ExchangeErrorKind =
  | 'timeout' // the per-exchange deadline (ms) passed
  | 'size-limit' // the response exceeded the size bound (bytes)
  | 'connection' // refused, reset, closed mid-response
  | 'protocol' // a response the harness could not read as HTTP/SSE at all
  | 'exited'; // stdio: the server process exited before it answered

/** One HTTP exchange of the wire transcript, recorded automatically. */
export interface ExchangeRecord {
  /** Position in the scenario's transcript, from 0. */
  seq: number;
  /** ID of the step that sent it (macro steps are prefixed `macro:`). */
  step: string;
  /** ISO-8601 time the request was sent. */
  startedAt: string;
  /** Milliseconds from sending the request to the end of reading. */
  durationMs: number;
  request: {
    method: string;
    url: string;
    /** Header names exactly as sent. */
    headers: Record<string, string>;
    body?: string;
  };
  response?: {
    status: number;
    /** Header names lower-cased, as received. */
    headers: Record<string, string>;
    /** Body text (for SSE: the raw stream text read), cut at the report bound. */
    body?: string;
    /** True when `body` was cut for the transcript (the full body was still parsed). */
    bodyTruncated?: boolean;
    /** True when the body read is not valid UTF-8 (MCP 2025-03-26+ basic/transports: messages are UTF-8). */
    invalidUtf8?: boolean;
    /** Bytes of body read. */
    bytes: number;
    /** Parsed SSE events when the response was `text/event-stream`. */
    sse?: SseEventRecord[];
  };
  error?: { kind: ExchangeErrorKind; message: string };
  /** Harness remark, e.g. why reading an SSE stream stopped. */
  note?: string;
  /** True when a windowed read (`windowMs`) stopped because the window ran out, i.e. the server had not ended the body. */
  windowExpired?: boolean;
  /** stdio exchanges: what the server process wrote and did (Streamable HTTP exchanges have `response` instead). */
  stdio?: StdioRecord;
}

/**
 * A way a stdout line breaks stdio framing (MCP basic/transports#stdio):
 * `not-json` (not one complete JSON value: a banner, a log line, a piece of
 * pretty-printed JSON), `not-json-rpc` (JSON, but not a JSON-RPC message),
 * `batch-array` (a JSON array of messages; allowed only at 2025-03-26),
 * `invalid-utf8`, `crlf` (ended with `\r\n`).
 */
export type StdoutFault = 'not-json' | 'not-json-rpc' | 'batch-array' | 'invalid-utf8' | 'crlf';

/** One line the server process wrote on stdout (MCP stdio: one JSON-RPC message per line). */
export interface StdoutLine {
  /** Milliseconds since the process started. */
  atMs: number;
  /** The line without its newline, decoded as UTF-8 (invalid bytes shown as U+FFFD), cut at the report bound. */
  text: string;
  /** Bytes of the line, without the newline. */
  bytes: number;
  /** True when the line is not valid UTF-8 (MCP basic/transports#stdio). */
  invalidUtf8?: boolean;
  /** True when the line ended with `\r\n`. */
  crlf?: boolean;
  /** True when the line exceeded the size bound and was cut. */
  truncated?: boolean;
}

/** What a stdio exchange saw of the server process. */
export interface StdioRecord {
  /** The command (run with `/bin/sh -c`) and its process ID. */
  command: string;
  pid: number;
  /** Which process of the scenario run this is, from 1 (a new session is a new process). */
  process: number;
  /** What the harness did: wrote a line to stdin (`request.body`), closed stdin, or sent a signal. */
  action: 'write' | 'close-stdin' | 'signal';
  /** The signal sent, for `action: signal`. */
  signal?: string;
  /** Lines read from stdout during this exchange. */
  stdout: StdoutLine[];
  /**
   * Every stdout line of the process so far (from its start), for the
   * framing checks: how many, and per framing fault the count and the first
   * few offending lines.
   */
  session: { lines: number; faults: Partial<Record<StdoutFault, { count: number; first: StdoutLine[] }>> };
  /** Set when the process had exited by the end of the exchange. */
  exit?: { code: number | null; signal: string | null; atMs: number };
  /** Tail of stderr so far (logs are allowed there and never judged; MCP stdio). */
  stderrTail?: string;
}

/** Verdict of one check at one protocol version. */
export interface CheckResult {
  /** Fully qualified check ID: `<scenario-id>/<check-slug>`. */
  id: string;
  scenario: string;
  /** Protocol revision this verdict is for, e.g. `2025-11-25`. */
  protocolVersion: string;
  title: string;
  level: Level;
  /** Requirement-catalog IDs, e.g. `HTTP-SESS-006`. */
  requirements: string[];
  /** Spec page and anchor, e.g. `basic/transports#session-management`. */
  spec: string;
  /** Versioned spec URL built from `spec`. */
  specUrl: string;
  verdict: Verdict;
  /** Reason code for not-applicable, blocked, skipped and error verdicts. */
  reason?: string;
  expected?: string;
  observed?: string;
  /** Transcript slice that decided the verdict: seqs into the scenario run's transcript. */
  transcript: { scenarioRun: string; seqs: number[] };
  /** `expected` when a baseline entry expected this verdict (it then does not gate the exit code). */
  baseline?: 'expected';
}

/** How a scenario run ended (independent of its checks' verdicts). */
export type ScenarioStatus = 'completed' | 'not-applicable' | 'ended-early' | 'error' | 'interrupted' | 'skipped';

/** One scenario at one protocol version. */
export interface ScenarioRun {
  /** `<scenario-id>@<protocolVersion>`. */
  key: string;
  id: string;
  title: string;
  /** Scenario file, relative to the suite root. */
  file: string;
  protocolVersion: string;
  status: ScenarioStatus;
  durationMs: number;
  /** Captured values at the end of the run (session IDs, negotiated version...). */
  captures: Record<string, unknown>;
  transcript: ExchangeRecord[];
  /** Fully qualified check IDs of this run, in declaration order. */
  checks: string[];
}

/** The target the run judged. */
export interface TargetInfo {
  /** How the target was given: `--url`, `--command` + `--url`, the bundled reference server, or `--stdio`. */
  kind: 'url' | 'command' | 'reference' | 'stdio';
  /** The MCP endpoint; `stdio:` for a stdio target. */
  url: string;
  /** The transport the run speaks. */
  transport: 'streamable-http' | 'stdio';
  /** The command started (`--command`, `--stdio`). */
  command?: string;
  /** stdio: the working directory the command was started in (`--cwd`). */
  cwd?: string;
  /** stdio: the names (never the values) of the variables given with `--env`. */
  env?: string[];
  /** `serverInfo` from the first successful InitializeResult, when one was seen. */
  serverInfo?: { name?: unknown; version?: unknown; [k: string]: unknown };
  /** Captured output of a target started by the harness (tail, bounded). */
  stdout?: string;
  stderr?: string;
  exitCode?: number | null;
}

/** What `initialize` at one session-era revision was answered with before the run (discovery). */
export interface RevisionSupportRecord {
  /** The revision requested. */
  requested: string;
  /** `supported` (echoed), `not-supported` (another version, or a JSON-RPC error from a server that negotiates another revision), `unknown` (no usable answer: judged as requested). */
  support: 'supported' | 'not-supported' | 'unknown';
  /** `protocolVersion` of the InitializeResult, when there was one. */
  answered?: string;
  /** The answer in words. */
  observed: string;
  /** Time to the end of the answer, in ms. */
  latencyMs?: number;
}

/**
 * Discovery: the session-era revisions the server negotiates, learnt with
 * one `initialize` each before any scenario runs (MCP 2025-03-26+
 * basic/lifecycle#version-negotiation).
 */
export interface RunDiscovery {
  /** One entry per session-era revision, newest first. */
  revisions: RevisionSupportRecord[];
  /** Revisions the server negotiates, oldest first. */
  negotiated: string[];
  /** Median `initialize` latency in ms (absent when none was answered). */
  initializeLatencyMs?: number;
  /** Revisions under test that the server does not negotiate: judged only by the version-negotiation scenarios, every other check `not-applicable` (`version-not-supported-by-server`). */
  notNegotiated: string[];
  /** Whether discovery's initializes issued an `Mcp-Session-Id` (`issued`: GET streams are per session, so scenarios holding one never share it; `none`: a stateless server, whose one GET stream holders take in turn; `unknown`). */
  sessionIds: 'issued' | 'none' | 'unknown';
  /** How the revisions under test were chosen: `requested` (`--protocol-version`), `newest-negotiated`, or `default` (2025-11-25: nothing was negotiated). */
  versionsChosen: 'requested' | 'newest-negotiated' | 'default';
  /** The discovery initialize exchanges (and the `server/discover` exchange, when era detection ran). */
  exchanges: ExchangeRecord[];
  /** The target's protocol era (absent in results written before era detection existed). */
  era?: EraDetection;
}

/**
 * The protocol era of the target, detected by discovery before any scenario
 * runs, following the client procedure of MCP 2026-07-28
 * basic/versioning#backward-compatibility-with-initialization-based-versions
 * (V5-BC-001): `server/discover` with 2026-07-28 request metadata, and a
 * session-era `initialize`.
 * - `session-era`: `initialize` negotiated a revision; `server/discover` got no `DiscoverResult`.
 * - `stateless-era`: `server/discover` answered a `DiscoverResult` (or a 2026-07-28 error); no `initialize` was negotiated.
 * - `dual-era`: both paths served on the one endpoint (V5-BC-002).
 * - `unknown`: a probe had no usable answer (timeout, transport error): never a guess from silence; `error` names it.
 */
export interface EraDetection {
  era: 'session-era' | 'stateless-era' | 'dual-era' | 'unknown';
  /** Session-era revisions the server negotiates through `initialize`, oldest first. */
  sessionVersions: string[];
  /** `supportedVersions` of the `DiscoverResult` (every revision the stateless path serves), as the server listed them; empty without one. */
  statelessVersions: string[];
  /** What `server/discover` was answered with, in words (e.g. `DiscoverResult`, `HTTP 400; JSON-RPC error -32601`, `timeout after 5000 ms`). */
  discover: string;
  /** When `era` is `unknown`: which probe had no usable answer and why. */
  error?: string;
}

/** A cited requirement as the catalog states it (`RunResults.requirements`); each field empty when the catalog gives none. */
export interface RequirementInfo {
  /** What it demands, one short line, e.g. `A response has exactly one of result and error`. */
  title: string;
  /** Level text, e.g. `MUST (S)`, `SHOULD (11-05, 03-26) → MUST (06-18+)`. */
  level: string;
  /** Spec anchor, e.g. `#responses`. */
  source: string;
}

/** The whole results document (`results.json`). */
export interface RunResults {
  format: 'mcp-session-conformance.results/1';
  suiteVersion: string;
  target: TargetInfo;
  /** The first (or only) protocol version under test. */
  protocolVersion: string;
  /** Every protocol version under test. */
  protocolVersions: string[];
  /** What discovery learnt before the run (absent in results written before discovery existed). */
  discovery?: RunDiscovery;
  startedAt: string;
  durationMs: number;
  /** True when the run was cut short (SIGINT/SIGTERM, run deadline). */
  interrupted: boolean;
  /** The run's settings that shape its verdicts (exchange bounds, concurrency, and the opt-in run options). */
  options: {
    timeoutMs: number;
    maxResponseBytes: number;
    concurrency: number;
    sessionTtlMs?: number;
    sessionSamples?: number;
    checkHost?: boolean;
    strict?: boolean;
    /** Names of the headers `--header` added to every request (values are never recorded). */
    headers?: string[];
  };
  summary: Record<Verdict, number>;
  /** Counts per level and verdict, e.g. `byLevel.MUST.fail`. */
  byLevel: Record<string, Partial<Record<Verdict, number>>>;
  scenarios: ScenarioRun[];
  checks: CheckResult[];
  /**
   * The catalog's entry for each requirement ID the checks cite, keyed by ID,
   * e.g. `{ "BASE-005": { title: "A response has exactly one of result and error",
   * level: "MUST / MUST NOT (S)", source: "#responses" } }`; each field as the
   * catalog (`suites/_catalog/requirements.yaml`) states it, empty when it
   * gives none. Absent when the run did not know its catalog (e.g. results
   * written before titles existed); an ID the catalog lacks has no entry.
   */
  requirements?: Record<string, RequirementInfo>;
  /** Present when the run used `--baseline`. */
  baseline?: {
    file: string;
    /** Result keys whose verdict the baseline expected. */
    expected: string[];
    /** Entries for checks that ran but no longer gave the expected verdict. */
    stale: Array<{ check: string; version?: string; verdict: string; note?: string }>;
  };
}
