/**
 * Pure detectors of what a session ID's shape reveals: RFC 9562 UUIDs and
 * their version, and creation times (Unix timestamps in decimal or hex,
 * ULIDs). No I/O; used by the `session-ids` probe.
 *
 * Every detector needs the same finding in at least 90% of the samples, and
 * a timestamp must fall within ±2 days of the harness clock, so a digit run
 * that merely happens to look like a time in a few random IDs is never taken
 * for one.
 */
import { FIELD_AGREEMENT } from './entropy.js';

/** Half-width of the window around "now" a timestamp must fall in (ms): 2 days. */
export const TIME_WINDOW_MS = 2 * 24 * 3600 * 1000;

/** A UUID (8-4-4-4-12 hex digits) not glued to other letters or digits; captures the version and variant nibbles. */
const UUID_IN = /(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-([0-9A-Fa-f])[0-9A-Fa-f]{3}-([0-9A-Fa-f])[0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])/;

/** UUID versions whose bits are derived from the time (RFC 9562: 1, 2 (DCE, time-based), 6, 7). */
export const TIME_BASED_UUID_VERSIONS = [1, 2, 6, 7];

/**
 * The RFC 9562 version shared by at least 90% of the IDs, each holding a
 * UUID with the RFC variant (the variant nibble 8, 9, a or b) either as the
 * whole ID or as a delimited part of it.
 * @returns the version (1–15), or undefined when no version dominates
 */
export function dominantUuidVersion(ids: readonly string[]): number | undefined {
  if (ids.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const id of ids) {
    const m = UUID_IN.exec(id);
    if (!m || !/[89abAB]/.test(m[2]!)) continue;
    const v = parseInt(m[1]!, 16);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (const [v, c] of counts) if (c >= FIELD_AGREEMENT * ids.length) return v;
  return undefined;
}

/** How a creation time is written in an ID. */
export type TimestampKind = 'unix-seconds' | 'unix-milliseconds' | 'hex-unix-seconds' | 'hex-unix-milliseconds' | 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Letters that are not hex digits: an affix made only of a–f could be part of a hex number. */
const WORDLIKE = /^(?:[A-Za-z]*[G-Zg-z][A-Za-z]*)?$/;

/**
 * Timestamp kinds found in one ID, each in a clearly delimited place (a
 * segment is a maximal run of ASCII letters and digits):
 * - `unix-seconds` / `unix-milliseconds`: a segment that is a run of exactly
 *   10 / 13 decimal digits, optionally with a word prefix or suffix containing
 *   a non-hex letter (`sess1730000000`), within ±2 days of `nowMs`;
 * - `hex-unix-seconds`: an all-hex segment of ≥ 8 digits whose first 8 read
 *   as seconds within the window (MongoDB ObjectId style);
 * - `hex-unix-milliseconds`: an all-hex segment of ≥ 11 digits whose first
 *   11 or 12 read as milliseconds within the window (UUIDv7 without dashes);
 * - `ulid`: a 26-character Crockford base32 segment whose first 10 characters
 *   read as milliseconds within the window.
 * @param nowMs the harness clock (ms since the Unix epoch)
 */
export function timestampKindsIn(id: string, nowMs: number): Set<TimestampKind> {
  const near = (ms: number) => Math.abs(ms - nowMs) <= TIME_WINDOW_MS;
  const kinds = new Set<TimestampKind>();
  for (const seg of id.match(/[A-Za-z0-9]+/g) ?? []) {
    const dec = /^([A-Za-z]*)(\d+)([A-Za-z]*)$/.exec(seg);
    if (dec && WORDLIKE.test(dec[1]!) && WORDLIKE.test(dec[3]!)) {
      const digits = dec[2]!;
      if (digits.length === 10 && near(Number(digits) * 1000)) kinds.add('unix-seconds');
      if (digits.length === 13 && near(Number(digits))) kinds.add('unix-milliseconds');
    }
    if (/^[0-9A-Fa-f]+$/.test(seg)) {
      if (seg.length >= 8 && near(parseInt(seg.slice(0, 8), 16) * 1000)) kinds.add('hex-unix-seconds');
      if ((seg.length >= 11 && near(parseInt(seg.slice(0, 11), 16))) || (seg.length >= 12 && near(parseInt(seg.slice(0, 12), 16))))
        kinds.add('hex-unix-milliseconds');
    }
    if (seg.length === 26 && /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/.test(seg)) {
      let ms = 0;
      for (const ch of seg.slice(0, 10).toUpperCase()) ms = ms * 32 + CROCKFORD.indexOf(ch);
      if (near(ms)) kinds.add('ulid');
    }
  }
  return kinds;
}

/**
 * The timestamp kind found in at least 90% of the IDs (see
 * {@link timestampKindsIn}).
 * @param nowMs the harness clock (ms since the Unix epoch)
 * @returns the kind, or undefined when none is that common
 */
export function dominantTimestamp(ids: readonly string[], nowMs: number): TimestampKind | undefined {
  if (ids.length === 0) return undefined;
  const counts = new Map<TimestampKind, number>();
  for (const id of ids) for (const k of timestampKindsIn(id, nowMs)) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [k, c] of counts) if (c >= FIELD_AGREEMENT * ids.length) return k;
  return undefined;
}

/**
 * Whether at least 90% of the `values` (of those given) read as a Unix time
 * within ±2 days of `nowMs`, in seconds or in milliseconds: a numeric field
 * that counts up because it is a clock.
 */
export function isTimeField(values: ReadonlyArray<bigint | undefined>, nowMs: number): boolean {
  const present = values.filter((v): v is bigint => v !== undefined);
  if (present.length === 0) return false;
  const near = (ms: number) => Math.abs(ms - nowMs) <= TIME_WINDOW_MS;
  const hits = present.filter((v) => v < 2n ** 53n && (near(Number(v) * 1000) || near(Number(v)))).length;
  return hits >= FIELD_AGREEMENT * present.length;
}
