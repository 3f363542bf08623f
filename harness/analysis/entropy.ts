/**
 * Pure statistics over a sample of session IDs: a min-entropy estimate and
 * the detection of counter fields. No I/O; used by the `session-ids` probe.
 *
 * Spec context: MCP 2025-03-26+ basic/transports#session-management (session
 * IDs SHOULD be globally unique and cryptographically secure); 2025-06-18+
 * basic/security_best_practices#session-hijacking (MUST be secure and
 * non-deterministic).
 */

/** Name of the entropy estimator, shown in the probe output and in verdicts. */
export const ENTROPY_METHOD =
  'per-position min-entropy: for each character position, -log2 of the largest symbol frequency over the samples ' +
  '(a position missing from a shorter ID counts as one more symbol), each position capped at log2(N), summed';

/** Result of {@link minEntropyEstimate}. */
export interface EntropyEstimate {
  /** Estimated min-entropy of one ID, in bits (0 for fewer than 2 samples). */
  bits: number;
  /** Per-position cap log2(N), in bits. */
  capPerPosition: number;
  /** Character positions examined (the longest ID's length). */
  positions: number;
}

/**
 * Estimates the min-entropy of an ID source from samples, position by
 * position: for each character position p, H∞(p) = −log2(max_c count(c)/N),
 * where an ID shorter than p+1 contributes a distinct "missing" symbol; each
 * H∞(p) is capped at log2(N) (no more can be seen in N samples); the sum is
 * the estimate. Positions are UTF-16 code units.
 *
 * The estimate is biased downwards for random IDs (the largest of k symbol
 * counts overshoots N/k), and upwards when fields are correlated across
 * positions or misaligned (it cannot see a hash of a counter). It never
 * exceeds `positions × log2(N)`.
 * @param ids the samples, in any order; duplicates count
 */
export function minEntropyEstimate(ids: readonly string[]): EntropyEstimate {
  const n = ids.length;
  const positions = ids.reduce((m, s) => Math.max(m, s.length), 0);
  if (n < 2) return { bits: 0, capPerPosition: 0, positions };
  const cap = Math.log2(n);
  let bits = 0;
  for (let p = 0; p < positions; p++) {
    const counts = new Map<number, number>();
    let max = 0;
    for (const s of ids) {
      const c = p < s.length ? s.charCodeAt(p) : -1;
      const k = (counts.get(c) ?? 0) + 1;
      counts.set(c, k);
      if (k > max) max = k;
    }
    bits += Math.min(cap, -Math.log2(max / n));
  }
  return { bits, capPerPosition: cap, positions };
}

/** A numeric field found at the same place in (almost) every ID. */
export interface NumericField {
  /** Human-readable place, e.g. `decimal run 1 of segment 2`, `whole ID as hex`. */
  name: string;
  /** The field's value in each ID (undefined where the ID lacks it), in sample order. */
  values: Array<bigint | undefined>;
  /** Each ID with the field replaced by `#` (unchanged where it lacks it): what is left without the field. */
  masked: string[];
}

/** Fraction of the samples that must share a shape before a field is read at the same place in all of them. */
export const FIELD_AGREEMENT = 0.9;

/** Characters that delimit segments: anything but ASCII letters and digits. */
const DELIMITER = /[^A-Za-z0-9]+/;

interface Span {
  start: number;
  end: number;
}

/** Segments (maximal runs of ASCII letters and digits) with their offsets. */
function segmentsOf(id: string): Span[] {
  const out: Span[] = [];
  const re = /[A-Za-z0-9]+/g;
  for (let m = re.exec(id); m; m = re.exec(id)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** The most common value of `keys` and the indices holding it, if at least `FIELD_AGREEMENT` of them do. */
function dominant(keys: Array<string | undefined>): { key: string; members: Set<number> } | undefined {
  const groups = new Map<string, number[]>();
  keys.forEach((k, i) => {
    if (k === undefined) return;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  let best: { key: string; members: Set<number> } | undefined;
  for (const [key, members] of groups) if (!best || members.length > best.members.size) best = { key, members: new Set(members) };
  return best && best.members.size >= FIELD_AGREEMENT * keys.length ? best : undefined;
}

function fieldFrom(ids: readonly string[], name: string, spans: Array<Span | undefined>, radix: 10 | 16): NumericField {
  const values = spans.map((sp, i) => {
    if (!sp) return undefined;
    const text = ids[i]!.slice(sp.start, sp.end).replace(/-/g, '');
    return text ? BigInt(radix === 16 ? `0x${text}` : text) : undefined;
  });
  const masked = ids.map((id, i) => {
    const sp = spans[i];
    return sp ? `${id.slice(0, sp.start)}#${id.slice(sp.end)}` : id;
  });
  return { name, values, masked };
}

/**
 * Numeric fields that sit at the same place in at least 90% of the IDs:
 * - the whole ID read as hex after removing dashes, when every ID is made of
 *   hex digits and dashes only;
 * - when ≥ 90% of the IDs share one delimiter shape (letters/digit runs
 *   separated by the same non-alphanumeric characters), for each segment:
 *   its maximal decimal digit runs, when ≥ 90% of those IDs give the segment
 *   the same digit skeleton (digits runs replaced by `#`); and the whole
 *   segment read as hex, when ≥ 90% of them make it all hex digits.
 * Hex readings are skipped where every value is plain decimal (the decimal
 * fields already cover it).
 * Random tokens (base64url, JWTs) rarely share a shape or a skeleton, so
 * they yield few or no fields; UUIDs yield their five hex segments.
 */
export function numericFields(ids: readonly string[]): NumericField[] {
  const fields: NumericField[] = [];
  if (ids.length === 0) return fields;
  // Hex readings of all-decimal text add nothing to the decimal fields (and would read a decimal counter with jumps).
  if (ids.every((id) => /^[0-9A-Fa-f-]+$/.test(id) && /[0-9A-Fa-f]/.test(id)) && !ids.every((id) => /^[0-9-]+$/.test(id)))
    fields.push(fieldFrom(ids, 'whole ID as hex (dashes removed)', ids.map((id) => ({ start: 0, end: id.length })), 16));

  const segs = ids.map(segmentsOf);
  const shape = dominant(ids.map((id) => id.replace(/[A-Za-z0-9]+/g, 'a')));
  if (!shape) return fields;
  const nSegs = segs[[...shape.members][0]!]!.length;
  const inShape = (i: number) => shape.members.has(i);
  for (let j = 0; j < nSegs; j++) {
    const segText = (i: number) => (inShape(i) ? ids[i]!.slice(segs[i]![j]!.start, segs[i]![j]!.end) : undefined);
    const skeleton = dominant(ids.map((_, i) => segText(i)?.replace(/\d+/g, '#')));
    if (skeleton) {
      const runs = skeleton.key.split('#').length - 1;
      for (let k = 0; k < runs; k++) {
        const spans = ids.map((_, i) => {
          if (!skeleton.members.has(i)) return undefined;
          const seg = segs[i]![j]!;
          const digitRuns = [...ids[i]!.slice(seg.start, seg.end).matchAll(/\d+/g)];
          const r = digitRuns[k]!;
          return { start: seg.start + r.index!, end: seg.start + r.index! + r[0].length };
        });
        fields.push(fieldFrom(ids, `decimal run ${k + 1} of segment ${j + 1}`, spans, 10));
      }
    }
    const hexSpans = ids.map((_, i) => {
      const t = segText(i);
      return t !== undefined && /^[0-9A-Fa-f]+$/.test(t) ? segs[i]![j]! : undefined;
    });
    const allDecimal = hexSpans.every((sp, i) => !sp || /^\d+$/.test(ids[i]!.slice(sp.start, sp.end)));
    if (hexSpans.filter(Boolean).length >= FIELD_AGREEMENT * ids.length && nSegs > 1 && !allDecimal)
      fields.push(fieldFrom(ids, `segment ${j + 1} as hex`, hexSpans, 16));
  }
  return fields;
}

/** Evidence that a field counts up. */
export interface CounterEvidence {
  /** Common step of the values (gcd of the gaps between sorted values). */
  step: bigint;
  /** Values examined (the 90% that lie closest together). */
  examined: number;
  /** Span of those values, in steps. */
  spanSteps: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Fewest values a counter verdict is drawn from. */
export const MIN_COUNTER_VALUES = 16;

/**
 * Whether `values` look issued by a counter, in any order (sorting makes it
 * robust to concurrent issue): at least 16 values, all distinct; the 90%
 * of them lying closest together (k values), divided by the gcd of their
 * gaps, span at most min(16·(k−1), k²/16) steps. So the values are
 * consecutive or nearly so (mean gap ≤ 16 steps — other clients' sessions
 * in between), and the span is small enough that k values drawn at random
 * from it would almost surely have collided (the chance of no duplicate is
 * about exp(−k²/(2·span)) ≤ e^−8), so a small random field is not mistaken
 * for a counter. Hashes, random tokens and timestamps with duplicates fail
 * this test.
 * @returns the evidence, or undefined when the values do not look sequential
 */
export function counterEvidence(values: readonly bigint[]): CounterEvidence | undefined {
  if (values.length < MIN_COUNTER_VALUES) return undefined;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) return undefined;
  const k = Math.ceil(FIELD_AGREEMENT * sorted.length);
  let bestAt = 0;
  for (let i = 1; i + k - 1 < sorted.length; i++) if (sorted[i + k - 1]! - sorted[i]! < sorted[bestAt + k - 1]! - sorted[bestAt]!) bestAt = i;
  const window = sorted.slice(bestAt, bestAt + k);
  let step = 0n;
  for (let i = 1; i < window.length; i++) step = gcd(window[i]! - window[i - 1]!, step);
  const spanSteps = (window[window.length - 1]! - window[0]!) / step;
  const kk = BigInt(k);
  const limit = (16n * (kk - 1n) < (kk * kk) / 16n ? 16n * (kk - 1n) : (kk * kk) / 16n);
  return spanSteps <= limit ? { step, examined: k, spanSteps } : undefined;
}

/** A counter field and how much the rest of the ID adds. */
export interface CounterFinding {
  field: string;
  step: string;
  /** Min-entropy estimate (bits) of the IDs with the field masked. */
  residualBits: number;
}

/**
 * Finds counter fields ({@link numericFields} passing {@link counterEvidence})
 * and, for each, the entropy estimate of what is left when it is masked.
 * @param skip fields not to judge as counters (e.g. timestamps, which count
 *   up too but are judged as creation times)
 * @returns findings, the one with the least residual entropy first
 */
export function counterFindings(ids: readonly string[], skip: (f: NumericField) => boolean = () => false): CounterFinding[] {
  const out: CounterFinding[] = [];
  for (const f of numericFields(ids)) {
    if (skip(f)) continue;
    const present = f.values.filter((v): v is bigint => v !== undefined);
    const ev = counterEvidence(present);
    if (ev) out.push({ field: f.name, step: ev.step.toString(), residualBits: minEntropyEstimate(f.masked).bits });
  }
  return out.sort((a, b) => a.residualBits - b.residualBits);
}
