/** Registry of named probes, callable from YAML as `probe: <name>`. */
import type { Probe } from './types.js';
import { sessionIdsProbe } from './session-ids.js';
import { getStreamDeleteProbe, getStreamRequestsProbe } from './streams.js';
import { sessionIsolationProbe } from './isolation.js';

/** Every probe by name. */
export const PROBES: Record<string, Probe> = {
  'session-ids': sessionIdsProbe,
  'get-stream-delete': getStreamDeleteProbe,
  'get-stream-requests': getStreamRequestsProbe,
  'session-isolation': sessionIsolationProbe,
};
