/**
 * MCP protocol revisions the suite knows, and comparisons between them.
 * Revision strings are dates (`YYYY-MM-DD`), so lexical order is time order.
 */

/** Session-era revisions judged over Streamable HTTP (2025-03-26 introduced that transport). */
export const SESSION_ERA_HTTP_VERSIONS = ['2025-03-26', '2025-06-18', '2025-11-25'] as const;

/** Every revision the suite can name, oldest first (2026-07-28 removed sessions). */
export const KNOWN_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] as const;

/** The first stateless-era revision: no initialize, no sessions, per-request `_meta` (MCP 2026-07-28). */
export const STATELESS_SINCE = '2026-07-28';

/** Every revision judged over Streamable HTTP, oldest first: the session era and the stateless era. */
export const HTTP_VERSIONS = [...SESSION_ERA_HTTP_VERSIONS, STATELESS_SINCE] as const;

/** Protocol version used when the user names none. */
export const DEFAULT_VERSION = '2025-11-25';

/** First revision that defines the `MCP-Protocol-Version` HTTP header (2025-06-18, transports#protocol-version-header). */
export const VERSION_HEADER_SINCE = '2025-06-18';

const VERSION_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True when `v` has the shape of a revision string. */
export function isVersionString(v: unknown): v is string {
  return typeof v === 'string' && VERSION_RE.test(v);
}

/** A half-open version range: `from` inclusive, `before` exclusive; both optional. */
export interface VersionRange {
  from?: string;
  before?: string;
}

/** True when `v` lies in `range` (an absent range holds every version). */
export function inRange(v: string, range: VersionRange | undefined): boolean {
  if (!range) return true;
  if (range.from !== undefined && v < range.from) return false;
  if (range.before !== undefined && v >= range.before) return false;
  return true;
}

/**
 * Expands the `--protocol-version` values: `all` means every revision judged
 * over Streamable HTTP (the session era and 2026-07-28); duplicates are
 * dropped; order is oldest first.
 * @throws Error naming the bad value when one is not a known revision.
 */
export function resolveVersions(values: string[]): string[] {
  const out = new Set<string>();
  for (const v of values.length ? values : [DEFAULT_VERSION]) {
    if (v === 'all') {
      HTTP_VERSIONS.forEach((x) => out.add(x));
    } else if ((KNOWN_VERSIONS as readonly string[]).includes(v)) {
      out.add(v);
    } else {
      throw new Error(
        `unknown protocol version "${v}": use one of ${KNOWN_VERSIONS.join(', ')} or "all"`,
      );
    }
  }
  return [...out].sort();
}
