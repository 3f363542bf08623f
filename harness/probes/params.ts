/** Parameter parsing and shared names for the probes. */
import { SUITE_VERSION } from '../model/paths.js';

/**
 * The `clientInfo` the suite's probes send in `initialize` (MCP
 * basic/lifecycle#initialization: an Implementation with name and version):
 * the suite's name and package version, as scenarios send it
 * (`suites/_steps/initialize.yaml`, `{{suiteVersion}}`).
 */
export const SUITE_CLIENT_INFO: Readonly<{ name: string; version: string }> = Object.freeze({ name: 'mcp-session-conformance', version: SUITE_VERSION });

/**
 * Reads an integer parameter from a probe's `with:` (a number or a numeric string).
 * @returns the value capped at `max`, or `dflt` when absent, not an integer, or below 1
 */
export function intParam(v: unknown, dflt: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : dflt;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : dflt;
}

/**
 * Name of the target-contract tool that emits notifications
 * (`{ scope?: "request" | "session" }`; README, "Target contract").
 */
export const CONTRACT_TOOL_EMIT = 'conformance_emit_notifications';
