/**
 * How long a scenario run is expected to take at least, from what it
 * declares: its observation windows (`window`, `http.windowMs`), pauses
 * (`wait`, a number or a run option such as `{{sessionTtlMs}}`), stdio
 * waits (`stdio.within`) and its probes' own estimates. The scheduler starts
 * the longest first, so a run lasts about its longest scenario plus set-up
 * rather than the sum of windows over the concurrency. An estimate, never a
 * verdict input.
 */
import type { Scenario } from '../model/scenario.js';
import { PROBES } from '../probes/index.js';

/**
 * Lower bound of a scenario run's duration in ms (0 for one that only
 * exchanges requests). `vars` resolves `wait: "{{name}}"` (absent: 0).
 */
export function estimateMs(s: Scenario, vars: Record<string, unknown> = {}): number {
  let ms = 0;
  for (const step of s.steps) {
    ms += step.window ?? 0;
    ms += step.http?.windowMs ?? 0;
    ms += step.stdio?.within ?? 0;
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
