/**
 * Judges a sample of session IDs: distinctness, charset, length, a
 * min-entropy estimate, counters, creation times and UUID versions. Pure;
 * the `session-ids` probe feeds it the IDs it collected and publishes the
 * result as its output. See `entropy.ts` and `id-time.ts` for the methods.
 */
import { counterFindings, ENTROPY_METHOD, minEntropyEstimate, type CounterFinding } from './entropy.js';
import { dominantTimestamp, dominantUuidVersion, isTimeField, TIME_BASED_UUID_VERSIONS, type TimestampKind } from './id-time.js';

/** Thresholds and context of an analysis. */
export interface IdAnalysisOptions {
  /** Sessions the probe asked for. */
  requested: number;
  /** Fewest IDs a statistical verdict is drawn from (16 in the scenario). */
  minSamples: number;
  /** Entropy estimate (bits) below which the IDs are judged low-entropy. */
  minEntropyBits: number;
  /** Shortest acceptable ID length (characters). */
  minLength: number;
  /** Harness clock, ms since the Unix epoch (timestamps are looked for within ±2 days of it). */
  nowMs: number;
}

/** Whether the sample is big enough for statistical verdicts. */
export type SampleStatus = 'enough' | 'too-few-requested' | 'too-few-obtained';

/** What the IDs look like; every field is JSON, matched by scenario pointers. */
export interface IdAnalysis {
  obtained: number;
  distinct: number;
  duplicates: number;
  allVisibleAscii: boolean;
  minLength: number;
  maxLength: number;
  sampleStatus: SampleStatus;
  /** Min-entropy estimate of one ID (bits, one decimal). */
  entropyBits: number;
  entropyMethod: string;
  /** Per-position cap log2(N) (bits, two decimals). */
  entropyCapPerPosition: number;
  entropyThresholdBits: number;
  /** `entropyBits` below the threshold. */
  lowEntropy: boolean;
  /** Some ID shorter than `minLength`. */
  shortIds: boolean;
  /** Counter fields found, least residual entropy first. */
  counterFields: CounterFinding[];
  /**
   * A counter field whose masking leaves less than the entropy threshold: the
   * IDs are predictable. Fields that read as Unix times, and the hex fields of
   * time-based UUIDs, are left to `timeDerived`.
   */
  sequential: boolean;
  /** RFC 9562 version shared by ≥ 90% of the IDs, or null. */
  uuidVersion: number | null;
  /** ≥ 90% of the IDs are version-4 (random) UUIDs. */
  randomUuids: boolean;
  /** Timestamp kind found in ≥ 90% of the IDs, or null. */
  timestamp: TimestampKind | null;
  /** A timestamp or a time-based UUID (versions 1, 2, 6, 7). */
  timeDerived: boolean;
  /** Up to three IDs, in sample order (each cut to 80 characters). */
  samples: string[];
  /** One line: estimate, method, shape findings and samples. */
  description: string;
}

const VISIBLE_ASCII = /^[\x21-\x7E]+$/;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Analyses `ids` (in issue order; duplicates kept).
 * @returns the findings; verdict inputs are `duplicates`, `sequential`,
 *   `timeDerived`, `lowEntropy`/`shortIds`, gated by `sampleStatus`
 */
export function analyseSessionIds(ids: readonly string[], opts: IdAnalysisOptions): IdAnalysis {
  const distinct = new Set(ids).size;
  const lengths = ids.map((s) => s.length);
  const minLength = lengths.length ? Math.min(...lengths) : 0;
  const est = minEntropyEstimate(ids);
  const uuidVersion = dominantUuidVersion(ids) ?? null;
  const timeUuid = uuidVersion !== null && TIME_BASED_UUID_VERSIONS.includes(uuidVersion);
  // Clocks count up too; they are judged as creation times, not as counters (the catalog fails only obvious counters).
  // A time-based UUID's hex fields hold its clock.
  const counterFields = counterFindings(ids, (f) => isTimeField(f.values, opts.nowMs) || (timeUuid && f.name.includes('as hex')));
  const timestamp = dominantTimestamp(ids, opts.nowMs) ?? null;
  const sampleStatus: SampleStatus =
    opts.requested < opts.minSamples ? 'too-few-requested' : ids.length < opts.minSamples ? 'too-few-obtained' : 'enough';
  const a: IdAnalysis = {
    obtained: ids.length,
    distinct,
    duplicates: ids.length - distinct,
    allVisibleAscii: ids.every((s) => VISIBLE_ASCII.test(s)),
    minLength,
    maxLength: lengths.length ? Math.max(...lengths) : 0,
    sampleStatus,
    entropyBits: round(est.bits, 1),
    entropyMethod: ENTROPY_METHOD,
    entropyCapPerPosition: round(est.capPerPosition, 2),
    entropyThresholdBits: opts.minEntropyBits,
    lowEntropy: est.bits < opts.minEntropyBits,
    shortIds: ids.length > 0 && minLength < opts.minLength,
    counterFields: counterFields.map((c) => ({ ...c, residualBits: round(c.residualBits, 1) })),
    sequential: counterFields.some((c) => c.residualBits < opts.minEntropyBits),
    uuidVersion,
    randomUuids: uuidVersion === 4,
    timestamp,
    timeDerived: timestamp !== null || timeUuid,
    samples: ids.slice(0, 3).map((s) => (s.length > 80 ? `${s.slice(0, 77)}...` : s)),
    description: '',
  };
  a.description = describe(a, opts);
  return a;
}

function describe(a: IdAnalysis, opts: IdAnalysisOptions): string {
  const shape: string[] = [];
  if (a.uuidVersion !== null) shape.push(`UUIDs of version ${a.uuidVersion}${a.randomUuids ? ' (random)' : TIME_BASED_UUID_VERSIONS.includes(a.uuidVersion) ? ' (time-based)' : ''}`);
  if (a.timestamp) shape.push(`a creation time (${a.timestamp}, within 2 days of now) in ≥ 90% of the IDs`);
  for (const c of a.counterFields)
    shape.push(
      `a counter in ${c.field} (step ${c.step}); the rest of the ID carries ≈ ${c.residualBits} bits` +
        (c.residualBits < opts.minEntropyBits ? ' (predictable)' : ' (enough to stay unpredictable)'),
    );
  if (!shape.length) shape.push('no counter, creation time or UUID version found');
  return (
    `min-entropy estimate ${a.entropyBits} bits per ID (threshold ${a.entropyThresholdBits}; method: per-position min-entropy, ` +
    `-log2 of the commonest symbol's frequency at each character position, capped at log2(N) = ${a.entropyCapPerPosition} bits, summed over N = ${a.obtained} IDs); ` +
    `lengths ${a.minLength}–${a.maxLength}${a.shortIds ? ` (some shorter than ${opts.minLength})` : ''}; ` +
    `${shape.join('; ')}; samples ${JSON.stringify(a.samples)}`
  );
}
