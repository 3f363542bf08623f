/**
 * The session-ID statistics: the min-entropy estimator, counter detection,
 * creation-time and UUID-version detection, and the combined analysis —
 * hand-made samples for exact values, fast-check properties for the
 * invariants and for "random IDs are never flagged".
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { counterEvidence, counterFindings, minEntropyEstimate, numericFields } from './entropy.js';
import { dominantTimestamp, dominantUuidVersion, timestampKindsIn } from './id-time.js';
import { analyseSessionIds, type IdAnalysisOptions } from './id-analysis.js';

const NOW = 1_730_000_000_000; // 2024-10-27T03:33:20Z
const OPTS: IdAnalysisOptions = { requested: 256, minSamples: 16, minEntropyBits: 48, minLength: 16, nowMs: NOW };
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const shuffle = <T>(xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** An RFC 9562 UUID of `version` whose leading 48 bits are `ms` (v7 layout) or random. */
const uuidOf = (version: number, ms?: number) => {
  const h = (ms !== undefined ? ms.toString(16).padStart(12, '0') : hex(6)) + hex(10);
  const v = `${h.slice(0, 12)}${version.toString(16)}${h.slice(13, 16)}${'89ab'[parseInt(h[16]!, 16) & 3]}${h.slice(17, 32)}`;
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20)}`;
};
const ulidAt = (ms: number) => {
  const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let t = '';
  for (let i = 9, x = ms; i >= 0; i--, x = Math.floor(x / 32)) t = A[x % 32]! + t;
  return t + times(16, () => A[Math.floor(Math.random() * 32)]).join('');
};
const jwtOf = (key: Buffer, jti: number) => {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ jti: String(jti), iat: Math.floor(NOW / 1000) })}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
};

describe('minEntropyEstimate', () => {
  it('gives exact values on hand-made samples', () => {
    expect(minEntropyEstimate([]).bits).toBe(0);
    expect(minEntropyEstimate(['abc']).bits).toBe(0);
    expect(minEntropyEstimate(times(8, () => 'same-id')).bits).toBe(0);
    expect(minEntropyEstimate(['a', 'b']).bits).toBe(1);
    // Position 0 constant (0 bits), position 1 four symbols (2 bits).
    expect(minEntropyEstimate(['xa', 'xb', 'xc', 'xd']).bits).toBe(2);
    // A missing position is its own symbol: position 1 holds {missing, b}.
    expect(minEntropyEstimate(['a', 'ab']).bits).toBe(1);
    // Commonest symbol 2 of 4 → 1 bit.
    expect(minEntropyEstimate(['a', 'a', 'b', 'c']).bits).toBe(1);
    // Each of 8 positions holds 4 distinct symbols in 4 samples: log2(4) = 2 bits, which is also the cap.
    const e = minEntropyEstimate(['abcdefgh', 'bcdefgha', 'cdefghab', 'defghabc']);
    expect(e).toEqual({ bits: 16, capPerPosition: 2, positions: 8 });
  });

  it('is within 0 … positions × log2(N), ignores order and constant prefixes', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 2, maxLength: 40 }), fc.string({ maxLength: 5 }), (ids, prefix) => {
        const e = minEntropyEstimate(ids);
        expect(e.bits).toBeGreaterThanOrEqual(0);
        expect(e.bits).toBeLessThanOrEqual(e.positions * Math.log2(ids.length) + 1e-9);
        expect(minEntropyEstimate([...ids].reverse()).bits).toBeCloseTo(e.bits, 9);
        expect(minEntropyEstimate(ids.map((s) => prefix + s)).bits).toBeCloseTo(e.bits, 9);
      }),
    );
  });

  it('reads 128-bit random tokens far above 48 bits at N = 256 and short random parts far below', () => {
    expect(minEntropyEstimate(times(256, () => randomUUID())).bits).toBeGreaterThan(90);
    expect(minEntropyEstimate(times(256, () => hex(16))).bits).toBeGreaterThan(90);
    expect(minEntropyEstimate(times(256, () => randomBytes(16).toString('base64url'))).bits).toBeGreaterThan(85);
    // Even at the smallest sample the scenario judges (16), 128-bit tokens stay above the threshold.
    expect(minEntropyEstimate(times(16, () => randomBytes(16).toString('base64url'))).bits).toBeGreaterThan(52);
    expect(minEntropyEstimate(times(256, () => `mcp-session-${hex(2)}`)).bits).toBeLessThan(20);
    expect(minEntropyEstimate(times(256, () => hex(6))).bits).toBeLessThan(48);
  });
});

describe('counterEvidence', () => {
  const range = (from: bigint, n: number, step = 1n) => times(n, (i) => from + BigInt(i) * step);

  it('finds consecutive values in any order, with their step', () => {
    expect(counterEvidence(shuffle(range(1000n, 256)))).toMatchObject({ step: 1n });
    expect(counterEvidence(shuffle(range(5n, 16, 1000n)))).toMatchObject({ step: 1000n });
    expect(counterEvidence(range(2n ** 100n, 64))).toMatchObject({ step: 1n });
  });

  it('finds a counter shared with other clients (small gaps) and tolerates 10% outliers', () => {
    let v = 10_000n;
    const shared = times(256, () => (v += BigInt(1 + Math.floor(Math.random() * 8))));
    expect(counterEvidence(shuffle(shared))).toBeDefined();
    const withOutliers = [...range(1n, 240), ...times(16, () => BigInt(`0x${hex(8)}`))];
    expect(counterEvidence(shuffle(withOutliers))).toBeDefined();
  });

  it('needs 16 distinct values', () => {
    expect(counterEvidence(range(1n, 15))).toBeUndefined();
    expect(counterEvidence([...range(1n, 30), 7n])).toBeUndefined();
  });

  it('does not take random values for a counter, even from a small range', () => {
    expect(counterEvidence(times(256, () => BigInt(`0x${hex(8)}`)))).toBeUndefined();
    expect(counterEvidence(times(256, () => BigInt(Math.floor(Math.random() * 1000))))).toBeUndefined();
    // 256 distinct values drawn from 0..65535 (no duplicates by construction): spread too wide.
    expect(counterEvidence([...new Set(times(400, () => BigInt(Math.floor(Math.random() * 65536))))].slice(0, 256))).toBeUndefined();
  });

  it('property: any shuffled run of ≥ 16 consecutive integers is a counter; random 64-bit values never are', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n }), fc.integer({ min: 16, max: 300 }), fc.bigInt({ min: 1n, max: 2n ** 40n }), (start, n, step) => {
        expect(counterEvidence(shuffle(range(start, n, step)))?.step).toBe(step);
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.uniqueArray(fc.noBias(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { minLength: 16, maxLength: 300 }), (vals) => {
        expect(counterEvidence(vals)).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});

describe('numericFields and counterFindings', () => {
  it('reads a decimal run at the same place and masks it', () => {
    const ids = times(32, (i) => `session-${1000 + i}`);
    const f = numericFields(ids).find((x) => x.name === 'decimal run 1 of segment 2')!;
    expect(f.values[0]).toBe(1000n);
    expect(f.masked[0]).toBe('session-#');
    expect(counterFindings(shuffle(ids))[0]).toMatchObject({ field: 'decimal run 1 of segment 2', step: '1', residualBits: 0 });
  });

  it('reads a counter written in hex, as a whole UUID-shaped ID or as a segment', () => {
    const uuids = times(64, (i) => `00000000-0000-4000-8000-${(0x3e8 + i).toString(16).padStart(12, '0')}`);
    expect(counterFindings(uuids).map((c) => c.field)).toContain('whole ID as hex (dashes removed)');
    expect(counterFindings(times(64, (i) => `sess_${(0xfff0 + i).toString(16)}`))[0]).toMatchObject({ field: 'segment 2 as hex', residualBits: 0 });
  });

  it('keeps the residual entropy: a counter next to a random UUID leaves the ID unpredictable', () => {
    const ids = times(256, (i) => `${i + 1}-${randomUUID()}`);
    const findings = counterFindings(ids);
    expect(findings.every((c) => c.residualBits > 48)).toBe(true);
    expect(analyseSessionIds(ids, OPTS).sequential).toBe(false);
    expect(analyseSessionIds(times(256, (i) => `s-${i + 1}-${hex(2)}`), OPTS).sequential).toBe(true);
  });

  it('finds no counter in random tokens, hashes or signed JWTs of a counter', () => {
    const key = randomBytes(32);
    for (const ids of [
      times(256, () => randomUUID()),
      times(256, () => randomBytes(32).toString('base64url')),
      times(256, (i) => createHash('sha256').update(String(i)).digest('hex')),
      times(256, (i) => jwtOf(key, i + 1)),
      times(256, () => `mcp-session-${hex(2)}`),
    ])
      expect(counterFindings(ids)).toEqual([]);
  });
});

describe('timestamps and UUID versions', () => {
  it('finds Unix times in delimited places, within ±2 days of now', () => {
    const s = Math.floor(NOW / 1000);
    expect([...timestampKindsIn(`${s}-${hex(16)}`, NOW)]).toContain('unix-seconds');
    expect([...timestampKindsIn(`sess_${NOW + 5}_x`, NOW)]).toContain('unix-milliseconds');
    expect([...timestampKindsIn(`session${s}`, NOW)]).toContain('unix-seconds');
    expect([...timestampKindsIn(`${s.toString(16)}${hex(8)}`, NOW)]).toContain('hex-unix-seconds');
    expect([...timestampKindsIn(`${NOW.toString(16)}${hex(10)}`, NOW)]).toContain('hex-unix-milliseconds');
    expect([...timestampKindsIn(ulidAt(NOW - 1000), NOW)]).toContain('ulid');
    // Three days away is not "now".
    expect(timestampKindsIn(`${s - 3 * 86400}-${hex(16)}`, NOW).size).toBe(0);
    // A digit run glued to hex letters, or of another length, is not a timestamp.
    expect(timestampKindsIn(`a${s}b`, NOW).size).toBe(0);
    expect(timestampKindsIn(`${s}1`, NOW).size).toBe(0);
  });

  it('does not read a UUID whose last group holds a plausible digit run as a timestamp', () => {
    const s = Math.floor(NOW / 1000);
    const tricky = times(64, () => {
      const u = randomUUID();
      return `${u.slice(0, 24)}a${s}b`;
    });
    expect(tricky[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(dominantTimestamp(tricky, NOW)).toBeUndefined();
    expect(analyseSessionIds(tricky, OPTS).timeDerived).toBe(false);
  });

  it('needs 90% of the IDs to agree', () => {
    const s = Math.floor(NOW / 1000);
    const some = times(100, (i) => (i < 85 ? `${s}-${hex(8)}` : randomUUID()));
    expect(dominantTimestamp(some, NOW)).toBeUndefined();
    const most = times(100, (i) => (i < 90 ? `${s}-${hex(8)}` : randomUUID()));
    expect(dominantTimestamp(most, NOW)).toBe('unix-seconds');
  });

  it('names the RFC 9562 version', () => {
    expect(dominantUuidVersion(times(32, () => randomUUID()))).toBe(4);
    expect(dominantUuidVersion(times(32, () => `mcp:${randomUUID()}`))).toBe(4);
    expect(dominantUuidVersion(times(32, () => uuidOf(7, NOW)))).toBe(7);
    expect(dominantUuidVersion(times(32, () => uuidOf(1)))).toBe(1);
    expect(dominantUuidVersion(times(32, () => hex(16)))).toBeUndefined();
    // Random hex in UUID shape: random version nibbles, no dominant version.
    expect(dominantUuidVersion(times(64, () => hex(16).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')))).toBeUndefined();
  });

  it('property: random UUIDv4 and base64url samples are never time-derived or sequential', () => {
    fc.assert(
      fc.property(fc.array(fc.noBias(fc.uuid({ version: 4 })), { minLength: 16, maxLength: 128 }), (ids) => {
        const a = analyseSessionIds(ids, { ...OPTS, nowMs: Date.now() });
        expect(a.timeDerived).toBe(false);
        expect(a.sequential).toBe(false);
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(fc.array(fc.noBias(fc.uint8Array({ minLength: 16, maxLength: 32 })), { minLength: 16, maxLength: 128 }), (raw) => {
        const ids = raw.map((b) => Buffer.from(b).toString('base64url'));
        const a = analyseSessionIds(ids, { ...OPTS, nowMs: Date.now() });
        expect(a.timeDerived).toBe(false);
        expect(a.sequential).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('analyseSessionIds', () => {
  it('raises no flag on random UUIDs', () => {
    const a = analyseSessionIds(times(256, () => randomUUID()), OPTS);
    expect(a).toMatchObject({ obtained: 256, duplicates: 0, allVisibleAscii: true, sampleStatus: 'enough', lowEntropy: false, shortIds: false });
    expect(a).toMatchObject({ sequential: false, timeDerived: false, randomUuids: true, uuidVersion: 4, minLength: 36, maxLength: 36 });
    expect(a.description).toContain('per-position min-entropy');
    expect(a.description).toContain(a.samples[0]!);
    expect(a.samples).toHaveLength(3);
  });

  it('flags a counter, a timestamp, time-based UUIDs, low entropy and short IDs', () => {
    const s = Math.floor(NOW / 1000);
    expect(analyseSessionIds(times(256, (i) => `session-${1000 + i}`), OPTS)).toMatchObject({ sequential: true, lowEntropy: true, shortIds: true });
    expect(analyseSessionIds(times(256, () => `${s}-${hex(16)}`), OPTS)).toMatchObject({ timeDerived: true, timestamp: 'unix-seconds', sequential: false, lowEntropy: false });
    expect(analyseSessionIds(times(256, () => uuidOf(7, NOW + Math.floor(Math.random() * 200))), OPTS)).toMatchObject({ timeDerived: true, uuidVersion: 7 });
    expect(analyseSessionIds(times(256, () => uuidOf(1)), OPTS)).toMatchObject({ timeDerived: true, uuidVersion: 1 });
    expect(analyseSessionIds(times(256, () => `mcp-session-${hex(2)}`), OPTS)).toMatchObject({ lowEntropy: true, shortIds: false, sequential: false });
    expect(analyseSessionIds(times(256, () => randomBytes(9).toString('base64url')), OPTS)).toMatchObject({ lowEntropy: false, shortIds: true });
  });

  it('judges clocks as creation times, not as counters', () => {
    // Unique millisecond timestamps, one per ms: they count up, but they are a clock.
    expect(analyseSessionIds(times(256, (i) => `${NOW + i}`), OPTS)).toMatchObject({ sequential: false, timeDerived: true, timestamp: 'unix-milliseconds' });
    // Version-1 UUIDs issued one per millisecond: 100-ns ticks in steps of 10000 would otherwise read as a counter.
    const v1 = times(256, (i) => {
      const t = (BigInt(NOW + i) + 12_219_292_800_000n) * 10_000n;
      const h = (v: bigint, n: number) => v.toString(16).padStart(n, '0');
      return `${h(t & 0xffffffffn, 8)}-${h((t >> 32n) & 0xffffn, 4)}-${h(0x1000n | ((t >> 48n) & 0xfffn), 4)}-9abc-0123456789ab`;
    });
    expect(analyseSessionIds(v1, OPTS)).toMatchObject({ sequential: false, timeDerived: true, uuidVersion: 1, lowEntropy: true });
    // A real counter next to a clock is still a counter.
    expect(analyseSessionIds(times(256, (i) => `s-${i + 7}-${Math.floor(NOW / 1000)}`), OPTS)).toMatchObject({ sequential: true, timeDerived: true });
  });

  it('counts duplicates and says when the sample is too small', () => {
    expect(analyseSessionIds(['a', 'a', 'b'], OPTS)).toMatchObject({ duplicates: 1, distinct: 2, sampleStatus: 'too-few-obtained' });
    expect(analyseSessionIds(times(8, () => randomUUID()), { ...OPTS, requested: 8 }).sampleStatus).toBe('too-few-requested');
    expect(analyseSessionIds([], OPTS)).toMatchObject({ obtained: 0, entropyBits: 0, shortIds: false, sampleStatus: 'too-few-obtained' });
  });

  it('cuts long samples and notices invisible characters', () => {
    const a = analyseSessionIds(times(16, () => `x ${'y'.repeat(100)}${hex(8)}`), OPTS);
    expect(a.allVisibleAscii).toBe(false);
    expect(a.samples[0]!.length).toBe(80);
  });
});
