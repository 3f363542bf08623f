/** Registry of named probes, callable from YAML as `probe: <name>`. */
import type { Probe } from './types.js';
import { sessionIdsProbe } from './session-ids.js';
import { versionMatrixProbe } from './version-matrix.js';
import { messageShapesProbe } from './message-shapes.js';
import { completionReferenceProbe } from './completion-reference.js';
import { eventIdsProbe } from './event-ids.js';
import { getStreamDeleteProbe, getStreamRequestsProbe } from './streams.js';
import { sessionIsolationProbe } from './isolation.js';

/** Every probe by name. */
export const PROBES: Record<string, Probe> = {
  'session-ids': sessionIdsProbe,
  'version-matrix': versionMatrixProbe,
  'message-shapes': messageShapesProbe,
  'completion-reference': completionReferenceProbe,
  'event-ids': eventIdsProbe,
  'get-stream-delete': getStreamDeleteProbe,
  'get-stream-requests': getStreamRequestsProbe,
  'session-isolation': sessionIsolationProbe,
};
