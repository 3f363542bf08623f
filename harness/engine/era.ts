/**
 * Era detection: is the target a session-era server (`initialize` and
 * sessions), a stateless-era one (MCP 2026-07-28: `server/discover`, no
 * sessions) or a dual-era one serving both on the one endpoint?
 *
 * Spec: MCP 2026-07-28 basic/versioning#backward-compatibility-with-initialization-based-versions
 * and basic/transports/stdio#backward-compatibility (catalog V5-BC-001): a
 * client probes with `server/discover`; a `DiscoverResult` or an error of the
 * stateless era means the server speaks 2026-07-28; any other error means it
 * does not. Unlike a client, which falls back to `initialize` on a timeout,
 * the suite never guesses from silence: a probe without an answer leaves the
 * era `unknown`, its `error` naming the probe.
 */
import type { EraDetection, ExchangeRecord } from '../model/results.js';
import type { RevisionSupport } from './discovery.js';
import { STATELESS_SINCE } from '../model/versions.js';

/** Error codes only the stateless era defines (2026-07-28 schema: HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion). */
export const STATELESS_ERROR_CODES: readonly number[] = [-32020, -32021, -32022];

/** What the `server/discover` probe was answered with. */
export interface DiscoverAnswer {
  /**
   * `result`: a result (a `DiscoverResult`, judged elsewhere); `stateless-error`: a JSON-RPC error with a code only
   * 2026-07-28 defines; `other`: any other answer (a session-era server); `none`: no usable answer (timeout, transport error).
   */
  kind: 'result' | 'stateless-error' | 'other' | 'none';
  /** `supportedVersions` of the result, or `data.supported` of the error, when they are strings. */
  versions: string[];
  /** The answer in words, e.g. `DiscoverResult (supportedVersions 2026-07-28)`, `HTTP 400; JSON-RPC error -32600`. */
  observed: string;
  /** `_meta["io.modelcontextprotocol/serverInfo"]` of the result, when present. */
  serverInfo?: Record<string, unknown>;
}

const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);

/**
 * Reads the answer to `server/discover` from its exchange record and the
 * JSON-RPC response found in it (`subject`, absent when none).
 */
export function readDiscoverAnswer(rec: ExchangeRecord, subject: unknown): DiscoverAnswer {
  if (rec.error) return { kind: 'none', versions: [], observed: `no answer (${rec.error.kind}: ${rec.error.message})` };
  const status = rec.response?.status;
  const at = status === undefined ? '' : `HTTP ${status}; `;
  const m = subject as { result?: Record<string, unknown>; error?: { code?: unknown; data?: { supported?: unknown } } } | undefined;
  if (m?.result && typeof m.result === 'object') {
    const versions = strings(m.result.supportedVersions);
    const meta = m.result._meta as Record<string, unknown> | undefined;
    const info = meta?.['io.modelcontextprotocol/serverInfo'];
    return {
      kind: 'result',
      versions,
      observed: `${at}DiscoverResult${versions.length ? ` (supportedVersions ${versions.join(', ')})` : ' without supportedVersions'}`,
      ...(info && typeof info === 'object' ? { serverInfo: info as Record<string, unknown> } : {}),
    };
  }
  if (m?.error) {
    const code = m.error.code;
    const modern = typeof code === 'number' && STATELESS_ERROR_CODES.includes(code);
    const versions = modern ? strings(m.error.data?.supported) : [];
    return { kind: modern ? 'stateless-error' : 'other', versions, observed: `${at}JSON-RPC error ${String(code)}${versions.length ? ` (supported ${versions.join(', ')})` : ''}` };
  }
  return { kind: 'other', versions: [], observed: status === undefined ? 'no JSON-RPC response' : `HTTP ${status} without a JSON-RPC response` };
}

/**
 * Classifies the era from the `server/discover` answer and the session-era
 * revisions `initialize` negotiated.
 * @param initializeError set when the initializes got no usable answer at all (the target is not answering): the era is `unknown`
 */
export function classifyEra(discover: DiscoverAnswer | undefined, sessionVersions: string[], initializeError?: string): EraDetection {
  const base = { sessionVersions, statelessVersions: discover?.versions ?? [], discover: discover?.observed ?? 'not asked' };
  if (initializeError) return { era: 'unknown', ...base, error: initializeError };
  if (!discover || discover.kind === 'none') return { era: 'unknown', ...base, error: `server/discover ${discover ? `got ${discover.observed}` : 'was not asked'}: the era cannot be told from silence` };
  const stateless = discover.kind === 'result' || discover.kind === 'stateless-error';
  if (stateless) return { era: sessionVersions.length ? 'dual-era' : 'stateless-era', ...base };
  if (sessionVersions.length) return { era: 'session-era', ...base };
  return { era: 'unknown', ...base, error: `neither path was served: server/discover got ${discover.observed}, and no initialize negotiated a revision` };
}

/**
 * Whether the target serves `version` (2026-07-28 or later) on the
 * stateless path, as a discovery support entry: `supported` when the
 * `DiscoverResult` (or the stateless error's `data.supported`) lists it,
 * `not-supported` when the era is known and it is not listed, `unknown`
 * when the era is unknown.
 */
export function statelessSupport(era: EraDetection, version: string = STATELESS_SINCE): RevisionSupport {
  const observed = `server/discover with ${version} was answered with ${era.discover}`;
  if (era.era === 'unknown') return { requested: version, support: 'unknown', observed };
  return { requested: version, support: era.statelessVersions.includes(version) ? 'supported' : 'not-supported', observed };
}
