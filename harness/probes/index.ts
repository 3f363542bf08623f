/** Registry of named probes, callable from YAML as `probe: <name>`. */
import type { Probe } from './types.js';
import { sessionIdsProbe } from './session-ids.js';
import { completionReferenceProbe } from './completion-reference.js';

/** Every probe by name. */
export const PROBES: Record<string, Probe> = {
  'session-ids': sessionIdsProbe,
  'completion-reference': completionReferenceProbe,
};
