/**
 * The reason codes the engine emits on its own (not from a scenario's
 * `reason:`), in one place. Every code here is in the closed list
 * `suites/_catalog/reasons.yaml` with the verdicts named here
 * (`harness/load/reasons.test.ts` checks both, and scans the harness sources for
 * reason literals that are not here). This module imports nothing, so any
 * layer may use its constants instead of string literals.
 */

/** Verdicts a reason code may come with (the others are judgements and carry none). */
export type ReasonVerdict = 'not-applicable' | 'blocked' | 'error' | 'skipped';

/** Codes the runner, the CLI and the probes set, by name. */
export const ENGINE_REASON = {
  /** Scenario or check outside its `versions` at the revision under test (runner). */
  versionOutOfRange: 'version-out-of-range',
  /** The server does not negotiate the revision under test (runner, from discovery). */
  versionNotSupportedByServer: 'version-not-supported-by-server',
  /** SIGINT/SIGTERM before the check was decided (CLI's abort reason; the runner's default). */
  runInterrupted: 'run-interrupted',
  /** `--run-timeout` passed (CLI's abort reason). */
  runTimeout: 'run-timeout',
  /** No step decided the check (runner). */
  notDecided: 'not-decided',
  /** A harness fault in a step (runner; JUnit's error type when no reason is given). */
  harnessError: 'harness-error',
  /** A `{{variable}}` without a value (runner, from `UnknownVariableError`). */
  unknownVariable: 'unknown-variable',
  /** A probe's GET window ran out before it could see what it watches (probes streams, isolation). */
  windowTooShort: 'window-too-short',
  /** The server refused new sessions until the session-ID sample gave up (probe session-ids). */
  serverRefused: 'server-refused',
  /** The isolation probe could not open its second session (probe isolation). */
  secondSessionFailed: 'second-session-failed',
  /** No initialize of discovery got an answer: every check that needs one is blocked, the root cause is on one check (runner). */
  targetNotAnswering: 'target-not-answering',
  /** The target went away mid-run (its process exited, its port refuses connections): one check is error, the rest blocked (runner). */
  targetGone: 'target-gone',
  /** The era is unknown (server/discover had no usable answer): checks at 2026-07-28 and later are `error`, never a guess (runner). */
  eraUnknown: 'era-unknown',
  /** The scenario applies to Streamable HTTP only, and the run speaks stdio (runner). */
  transportHttpOnly: 'transport-http-only',
  /** The scenario applies to stdio only, and the run speaks Streamable HTTP (runner). */
  transportStdioOnly: 'transport-stdio-only',
} as const;

/** One of the engine's own codes. */
export type EngineReason = (typeof ENGINE_REASON)[keyof typeof ENGINE_REASON];

/**
 * Why an exchange broke, as a reason code: the kinds of `ExchangeErrorKind`
 * (`harness/model/results.ts`), which a broken exchange gives its pending checks.
 */
export const TRANSPORT_ERROR_REASONS = ['timeout', 'size-limit', 'connection', 'protocol', 'exited'] as const;

/** Verdicts each engine-emitted code comes with (transport errors: `error`). */
export const ENGINE_REASON_VERDICTS: Readonly<Record<EngineReason | (typeof TRANSPORT_ERROR_REASONS)[number], readonly ReasonVerdict[]>> = {
  'version-out-of-range': ['not-applicable'],
  'version-not-supported-by-server': ['not-applicable'],
  'run-interrupted': ['skipped'],
  'run-timeout': ['skipped'],
  'not-decided': ['error'],
  'harness-error': ['error'],
  'unknown-variable': ['error'],
  'window-too-short': ['error'],
  'server-refused': ['error'],
  'second-session-failed': ['error'],
  'target-not-answering': ['blocked'],
  'target-gone': ['error', 'blocked'],
  'era-unknown': ['error'],
  'transport-http-only': ['not-applicable'],
  'transport-stdio-only': ['not-applicable'],
  timeout: ['error'],
  'size-limit': ['error'],
  connection: ['error'],
  protocol: ['error'],
  // stdio: the step's checks are `error`, the scenario's remaining checks `blocked` (runner).
  exited: ['error', 'blocked'],
};
