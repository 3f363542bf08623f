/**
 * The scenario model: a YAML file under `suites/` after loading, validation
 * against `schemas/scenario.schema.json` and macro expansion. The README's
 * "Writing scenarios" section documents each key.
 */
import type { Level, Verdict } from './results.js';
import type { VersionRange } from './versions.js';

/** A value test, used by header, pointer and captured matchers. A bare scalar means `equals`. */
export type ValueMatch =
  | 'present'
  | 'absent'
  | string
  | number
  | boolean
  | null
  | {
      equals?: unknown;
      notEquals?: unknown;
      in?: unknown[];
      notIn?: unknown[];
      /** ECMAScript regular expression the (string) value must match. */
      pattern?: string;
      /** JSON type: string, number, integer, boolean, object, array, null. */
      type?: string;
      /** HTTP status class such as `2xx`, for numeric values. */
      class?: string;
      present?: boolean;
      /** Smallest string or array length. */
      minLength?: number;
      /** The value is an object with no keys other than these (e.g. `[_meta]` for an empty result). */
      onlyKeys?: string[];
      /** The value is an array with some element satisfying every pointer test (e.g. `{ /name: echo }`). */
      some?: Record<string, ValueMatch>;
    };

/** A status test: a code, a class such as `2xx`, or a list of either. */
export type StatusMatch = number | string | Array<number | string>;

/**
 * A condition over one step's observation. Keys combine with AND.
 * `result`/`error` look at the JSON-RPC response message; `pointer` at the
 * step's subject (that message, or a probe's output); `transportError` at a
 * failed exchange.
 */
export interface Matcher {
  status?: StatusMatch;
  header?: Record<string, ValueMatch>;
  /** Response media types (without parameters) accepted, e.g. `[application/json, text/event-stream]`. */
  mediaType?: string[];
  body?: 'empty' | 'nonempty';
  result?: 'present' | 'absent';
  error?: 'present' | 'absent' | { code?: number | number[] };
  pointer?: Record<string, ValueMatch>;
  captured?: Record<string, ValueMatch>;
  /**
   * Some JSON-RPC message of the exchange (JSON body, batch element or SSE
   * `data` payload — requests and notifications included) satisfies every
   * pointer test. `not: { anyMessage: … }` says none does.
   */
  anyMessage?: Record<string, ValueMatch>;
  /**
   * The subject satisfies a message-shape schema: `<name>` or
   * `<name>#/$defs/<rule>` of `schemas/messages/<name>.schema.json`
   * (e.g. `jsonrpc#/$defs/error-object`).
   */
  schema?: string;
  /**
   * For a windowed read (`windowMs`): `closed` when the server ended the body
   * before the window ran out, `open` when the window ran out first.
   */
  streamEnd?: 'closed' | 'open';
  /** The first SSE event (a lone `retry:` field does not count) has these fields: `id`, `data`, `event`. */
  firstEvent?: Record<string, ValueMatch>;
  /** The exchange broke this way (`any`: some way other than the server process exiting, which the engine handles on its own unless `exited` is named). */
  transportError?: 'any' | 'timeout' | 'size-limit' | 'connection' | 'protocol' | 'exited';
  /**
   * stdio: the server process had exited by the end of the step (`true`) or
   * was still running (`false`).
   */
  exited?: boolean;
  /**
   * stdio framing over everything the process wrote on stdout so far:
   * `absent` = no line has the fault, `present` = some line has it
   * (see `StdoutFault` in harness/model/results.ts).
   */
  stdout?: Partial<Record<'not-json' | 'not-json-rpc' | 'batch-array' | 'invalid-utf8' | 'crlf', 'present' | 'absent'>>;
  /**
   * Transport-neutral: the message was taken (`true`) or refused (`false`).
   * Refused: the answer is a JSON-RPC error for it, or (Streamable HTTP) a
   * non-2xx status; a broken exchange is neither.
   */
  accepted?: boolean;
  not?: Matcher;
  all?: Matcher[];
  any?: Matcher[];
}

/** One rung of an outcome ladder: the first rung whose `when` matches decides. */
export interface Outcome {
  when?: Matcher;
  otherwise?: true;
  /** Verdicts to record, by check slug; only checks still pending take them. */
  record: Record<string, Verdict>;
  reason?: string;
  expected?: string;
  observed?: string;
  /** Stop the scenario here; pending checks take `remaining` (default `not-applicable`) with `reason`. */
  end?: { remaining?: Verdict; reason: string };
  /** The rung applies only over these transports (e.g. a tolerance for a bare HTTP status); elsewhere the ladder skips it. */
  transports?: TransportKind[];
}

/** How to capture a value from a step for later `{{name}}` use. */
/** A transport a scenario can apply to: Streamable HTTP (the harness speaks it), stdio (a subprocess's stdin/stdout). */
export type TransportKind = 'streamable-http' | 'stdio';

/** What a step captures: an answer header, a value of the subject, the HTTP status, or (transport-neutral) the session identity issued with the answer. */
export type CaptureSpec = { header: string } | { pointer: string } | { status: true } | { session: true };

/** A gate: when `that` does not hold, the scenario stops with `reason`. */
export interface Gate {
  that: Matcher;
  reason: string;
}

/** An HTTP request to send. */
export interface HttpRequestSpec {
  method?: string;
  /**
   * Which standard headers the harness adds before `headers` apply:
   * `session` (default) = Content-Type/Accept + captured `Mcp-Session-Id` +
   * `MCP-Protocol-Version` from 2025-06-18 once negotiated; `bare` =
   * Content-Type/Accept only; `none` = nothing; `stateless` = the 2026-07-28
   * form: Content-Type/Accept + `MCP-Protocol-Version` + `Mcp-Method` (+
   * `Mcp-Name`), and the per-request `_meta` in the JSON-RPC params.
   */
  preset?: 'session' | 'bare' | 'none' | 'stateless';
  /** Extra headers, names sent as written; `null` removes a preset header (case-insensitively). */
  headers?: Record<string, string | null>;
  /** A JSON-RPC message built by the harness (id auto-assigned unless given). */
  jsonrpc?: JsonRpcSpec;
  /** Any JSON body (e.g. a batch). */
  json?: unknown;
  /** A raw body string, sent byte for byte (e.g. malformed JSON). */
  body?: string;
  /** Read the answer for this many ms and stop (for GET streams); absent = read the response. */
  windowMs?: number;
  /** `new`: send on a connection of its own, opened for this request and closed after it (never one an earlier request used). */
  connection?: 'new';
  /**
   * With `windowMs`: `head` ends the read of an SSE stream as soon as its
   * response head (status and headers) has arrived, for a step judged by its
   * status and headers only (e.g. a control GET); another body is read to its
   * end; the window still bounds both.
   */
  until?: 'head';
}

/** A JSON-RPC request or notification as a step writes it: the harness adds `jsonrpc: "2.0"` and, for a request, an id (unless given). */
export interface JsonRpcSpec {
  method: string;
  params?: unknown;
  /** The request id to send (default: the run's next number); `null` sends a null id. */
  id?: string | number | null;
  /** True: a notification (no id, no answer awaited). */
  notification?: boolean;
  /** With preset `stateless`: overrides of the per-request `_meta` ({@link MetaSpec}). */
  meta?: MetaSpec;
}

/**
 * Overrides of the stateless-era per-request `_meta` (MCP 2026-07-28
 * basic/index#meta), by short name — `protocolVersion`, `clientCapabilities`,
 * `clientInfo` — or full key; `null` leaves one out. `none`: no `_meta`.
 */
export type MetaSpec = Record<string, unknown> | 'none';

/**
 * A transport-neutral message (a `send` step): a JSON-RPC request or
 * notification the harness builds (`method`), or, for robustness checks,
 * any JSON value (`json`, e.g. a batch array) or a raw text (`raw`, e.g.
 * malformed JSON; over stdio one line, so it holds no newline).
 */
export interface SendSpec {
  method?: string;
  params?: unknown;
  /** The request id to send (default: the run's next number); `null` sends a null id. */
  id?: string | number | null;
  /** True: a notification (no id, no answer awaited). */
  notification?: boolean;
  /** Any JSON value sent as the message. */
  json?: unknown;
  /** A text sent byte for byte as the message. */
  raw?: string;
  /**
   * Where it goes. `none`: outside any session (Streamable HTTP: without
   * session headers; stdio: to a process that has not yet been sent an
   * initialize, a fresh one when the current one has). `current`: in the
   * run's session. Default: `none` for `initialize` (it opens a session),
   * `current` for everything else.
   */
  session?: 'none' | 'current';
  /**
   * The message's form: `session-era` (as written) or `stateless` (MCP
   * 2026-07-28: the per-request `_meta`, and over Streamable HTTP the
   * request-metadata headers, no session headers). Default: `stateless` when
   * the version under test is 2026-07-28 or later, else `session-era`.
   */
  form?: 'session-era' | 'stateless';
  /** In the stateless form: overrides of the per-request `_meta`. */
  meta?: MetaSpec;
  /**
   * `new`: on a connection no earlier message used (Streamable HTTP: a TCP
   * connection opened for it and closed after it; stdio: a fresh process).
   */
  connection?: 'new';
}

/** A step after macro expansion. At most one of `http`, `probe`, `wait`; with none, it judges the previous observation. */
export interface Step {
  /** Step ID (unique in the scenario after expansion; macro steps are `<macro>.<id>`, or `<use id>.<id>`; a one-step macro used with an `id` takes that id). */
  id: string;
  http?: HttpRequestSpec;
  /** Transport-neutral: a message sent in the run's session (or outside any, see `SendSpec.session`). */
  send?: SendSpec;
  /** The step runs only over these transports; elsewhere it is skipped (sends and judges nothing). */
  transports?: TransportKind[];
  /**
   * With `send`: read what the answer carries for this many ms, then stop
   * without error (absent: until the response). Over stdio, a request's read
   * stops at the window's end only once the server has sent a request of its
   * own (it then waits for the client, whom the harness never lets answer);
   * otherwise its answer is awaited up to the exchange deadline.
   */
  window?: number;
  /**
   * stdio only: close the server's stdin (`close-stdin`) or send a signal to
   * its process group (`signal`), then wait up to `within` ms for it to exit.
   * Judge the result with the `exited` matcher.
   */
  stdio?: { do: 'close-stdin' | 'signal'; signal?: 'SIGTERM' | 'SIGINT' | 'SIGKILL'; within: number };
  /** Pause for this many ms (a number, or `{{var}}` naming one; at most 600000). Sends nothing; the observation stays the previous one. */
  wait?: number | string;
  probe?: string;
  with?: Record<string, unknown>;
  capture?: Record<string, CaptureSpec>;
  'applies-when'?: Gate;
  expect?: Record<string, Matcher>;
  outcomes?: Outcome[];
  require?: Gate;
  /** JSON path of the step in its source file, for error messages (`steps.3` or `_steps/open-session.yaml:steps.0`; after a `foreach`, the index is the instance's; a one-step macro's use that carries judging keys is the use's path). */
  source: string;
}

/** A check declared by a scenario: the unit of verdict. */
export interface CheckDecl {
  /** Slug, unique within the scenario. */
  id: string;
  title: string;
  level: Level;
  requirements: string[];
  /** Spec page and anchor relative to the revision, e.g. `basic/transports#session-management`. */
  spec: string;
  versions?: VersionRange;
  /** From version `from` on, the check has the stricter `level`. */
  escalate?: { from: string; level: Level };
  /**
   * Why the check is stricter than every requirement it cites (their levels in
   * `suites/_catalog/requirements.yaml`); required exactly then (`harness/model/levels.ts`).
   */
  'level-reason'?: string;
  /** The check applies only over these transports; elsewhere it is `not-applicable` (`transport-http-only` / `transport-stdio-only`) before any traffic. */
  transports?: TransportKind[];
}

/**
 * A server resource a scenario may hold exclusively (`holds:`): `get-stream`,
 * the GET stream of the server or of a session; `server`, the whole server
 * (the scenario may leave it unable to serve: it runs alone, after every
 * other scenario).
 */
export type ScenarioResource = 'get-stream' | 'server';

/** A loaded scenario: the unit of execution. */
export interface Scenario {
  id: string;
  title: string;
  description?: string;
  versions: VersionRange;
  /**
   * True when the scenario judges what the server answers to a revision it
   * does not negotiate (version negotiation): it runs at every requested
   * revision. Otherwise such a revision's checks are `not-applicable`
   * (`version-not-supported-by-server`) and nothing is sent.
   */
  runsAtUnsupportedVersions?: boolean;
  /** Transports the scenario applies to (default `['streamable-http']`); one that lists `stdio` is written transport-neutrally. */
  transports?: TransportKind[];
  /** Shared server resources held while the scenario runs (`get-stream`, `server`); holders of one resource never overlap. */
  holds?: ScenarioResource[];
  checks: CheckDecl[];
  steps: Step[];
  /** Absolute path of the YAML file. */
  path: string;
  /** Path relative to the suite root. */
  file: string;
}

/**
 * One parameter of a macro (`params:` in `suites/_steps/<id>.yaml`),
 * referenced as `${name}` in the macro's steps and given by `with:` at a use.
 * Without `default` the parameter must be given.
 */
export interface MacroParam {
  description?: string;
  /** Any JSON value; it may hold runtime `{{variables}}` (e.g. `{{protocolVersion}}`). */
  default?: unknown;
}

/** A macro file of `suites/_steps/`, as written (the loader substitutes its parameters at each use). */
export interface MacroFile {
  /** Equal to the file name without `.yaml`. */
  id: string;
  description?: string;
  params?: Record<string, MacroParam>;
  /** Steps that may hold `${name}` parameters anywhere (validated as steps once substituted); a step may `use` another macro. */
  steps: Array<Record<string, unknown>>;
}

/**
 * A `foreach` block in a scenario's `checks` or `steps` list, as written: the
 * loader replaces it, in place, by its templates (`checks` in a checks list,
 * `steps` in a steps list) instantiated for each binding in turn, `${name}`
 * taking the binding's values.
 */
export interface ForeachBlock {
  /** One set of `${name}` values per instance. */
  foreach: Array<Record<string, unknown>>;
  checks?: Array<Record<string, unknown>>;
  steps?: Array<Record<string, unknown>>;
}
