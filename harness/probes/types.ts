/** The contract between the runner and a named probe. */
import type { Exchange, ExchangeWatch } from '../http.js';
import type { HttpRequestSpec } from '../scenario-types.js';

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
}

/** A probe's output: matched by `pointer` matchers in the step's outcomes; `summary` is shown as observed. */
export interface ProbeOutput {
  summary: string;
  [key: string]: unknown;
}

/** A named probe: what cannot be declared in YAML (statistics over many exchanges, concurrency). */
export interface Probe {
  description: string;
  /**
   * Runs the probe. Target misbehaviour is reported in the output, never thrown.
   * @returns output, or `error` when the probe could not decide (e.g. every exchange timed out)
   */
  run(ctx: ProbeContext): Promise<{ output: ProbeOutput; error?: { kind: string; message: string } }>;
}
