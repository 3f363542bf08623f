/**
 * The transport seam: the runner talks to one `ScenarioTransport` per
 * scenario run, never to HTTP directly. A transport sends what a step asks
 * for, reads the answer under the exchange's deadline and size bound, and
 * returns it as an `Exchange` (the transcript record plus the JSON-RPC
 * messages found); it never throws for target misbehaviour (a timeout, an
 * oversized or broken answer is the record's `error`). Streamable HTTP
 * (`streamable-http.ts`) is the first implementation; tests use fakes.
 */
import type { Exchange, ExchangeWatch } from './http.js';
import type { HttpRequestSpec, SendSpec } from '../model/scenario.js';

import type { TransportKind } from '../model/scenario.js';

export type { TransportKind } from '../model/scenario.js';

/** Every transport kind a scenario may name, in the order reports list them. */
export const TRANSPORT_KINDS: readonly TransportKind[] = ['streamable-http', 'stdio'];

/** What one send needs from the scenario run. */
export interface SendContext {
  /** ID of the step sending it (for the transcript). */
  stepId: string;
  /** The run's variables (captures and built-ins), for interpolation and session presets. */
  vars: Record<string, unknown>;
  /** Next JSON-RPC id of the scenario run. */
  nextId: () => number;
  /** Live view of a windowed read (probes). */
  watch?: ExchangeWatch;
  /**
   * Records an exchange that will not be the step's answer (e.g. a 409 the
   * transport sent again) in the transcript, when the step keeps one.
   */
  keep?: (ex: Exchange) => void;
}

/** The answer to one send: the exchange and the JSON-RPC id the step waited for (absent for notifications and raw bodies). */
export interface Sent {
  ex: Exchange;
  awaitId?: string | number | null;
  /** The session identity the target issued with this answer (Streamable HTTP: its `Mcp-Session-Id`), when it issued one. */
  session?: string;
}

/** One scenario run's connection to the target. */
export interface ScenarioTransport {
  readonly kind: TransportKind;
  /**
   * Sends one message written transport-neutrally (a `send` step) and reads
   * its answer: by default in the session the run has opened; with
   * `session: none` (the default for `initialize`, which opens a new
   * session) outside any session (Streamable HTTP: without the session
   * headers; stdio: to a process not yet sent an initialize, a fresh one
   * when needed, as the session is the process's lifetime).
   */
  message(msg: SendSpec, opts: SendContext & { windowMs?: number }): Promise<Sent>;
  /**
   * Sends a request as an `http` step describes it (method, preset, headers,
   * body, window). Only Streamable HTTP has it; a scenario that uses `http`
   * steps declares `transports: [streamable-http]`.
   */
  http(spec: HttpRequestSpec, opts: SendContext): Promise<Sent>;
  /**
   * stdio only: closes the server's stdin or signals its process group, then
   * waits up to `waitMs` for it to exit (the record's `stdio.exit` says how).
   */
  control?(ctl: { action: 'close-stdin' | 'signal'; signal?: NodeJS.Signals; waitMs: number }, opts: SendContext): Promise<Sent>;
  /**
   * Ends what the run left open on the target (sessions it was issued and
   * did not end), after every verdict; never judged, never in the transcript.
   */
  close(vars: Record<string, unknown>): Promise<void>;
}
