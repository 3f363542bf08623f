/**
 * How long a scenario run is expected to take against a responsive,
 * conformant server, from what it declares: the waits it sits out whatever
 * the server does. The scheduler starts the longest first, so a run lasts
 * about its longest scenario plus set-up rather than the sum of windows over
 * the concurrency. An estimate, never a verdict input.
 *
 * Counted (only for steps that run over the run's transport, and 0 for a
 * scenario that does not run over it):
 * - a GET read for a window (`http: { method: GET, windowMs }`) without
 *   `until: head`: the server keeps the SSE stream open, so the read lasts
 *   the whole window;
 * - over stdio, a notification sent with `window`: no answer ends the read;
 * - pauses (`wait`, a number or a run option such as `{{sessionTtlMs}}`);
 * - probes, by their own `estimateMs`.
 * Not counted: windows that an answer ends (a POST's response, a GET read
 * `until: head`, a stdio request's response) and `stdio.within` (a
 * conformant server exits at once): those are upper bounds, not durations.
 */
import type { Scenario, Step, TransportKind } from '../model/scenario.js';
import { PROBES } from '../probes/index.js';

/**
 * Expected duration of a scenario run in ms (0 for one that only exchanges
 * requests). `vars` resolves `wait: "{{name}}"` (absent: 0).
 * @param transport the run's transport (default `streamable-http`)
 */
export function estimateMs(s: Scenario, vars: Record<string, unknown> = {}, transport: TransportKind = 'streamable-http'): number {
  if (s.transports && !s.transports.includes(transport)) return 0;
  let ms = 0;
  for (const step of s.steps) {
    if (step.transports && !step.transports.includes(transport)) continue;
    ms += watchedMs(step, transport);
    if (step.probe) ms += PROBES[step.probe]?.estimateMs ?? 0;
    if (typeof step.wait === 'number') ms += step.wait;
    else if (typeof step.wait === 'string') {
      const name = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(step.wait)?.[1];
      const v = name ? vars[name] : undefined;
      if (typeof v === 'number') ms += v;
    }
  }
  return ms;
}

/**
 * The window (ms) a step sits out watching when the server behaves, 0 when
 * an answer ends it: a GET read for `windowMs` without `until: head` over
 * Streamable HTTP (the SSE stream stays open), a notification sent with
 * `window` over stdio. The runner runs such a step as idle (it gives its
 * scheduler place up meanwhile); the estimate counts it.
 */
export function watchedMs(step: Step, transport: TransportKind): number {
  if (transport === 'streamable-http' && step.http?.method === 'GET' && step.http.until !== 'head') return step.http.windowMs ?? 0;
  if (transport === 'stdio' && step.send?.notification === true) return step.window ?? 0;
  return 0;
}
