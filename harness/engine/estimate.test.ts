/** The scheduler's duration estimate: windows, waits, stdio waits and probe estimates, from the scenario alone. */
import { describe, it, expect } from 'vitest';
import { estimateMs } from './estimate.js';
import { loadSuite } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';
import type { Scenario } from '../model/scenario.js';

const base: Omit<Scenario, 'steps'> = { id: 't', title: 't', versions: {}, checks: [], path: '', file: '' };

describe('estimateMs', () => {
  it('adds windows, stdio waits, numeric waits, waits named by a run option, and probe estimates', () => {
    const s: Scenario = {
      ...base,
      steps: [
        { id: 'a', source: 's', send: { method: 'ping' }, window: 1000 },
        { id: 'b', source: 's', http: { method: 'GET', windowMs: 500 } },
        { id: 'c', source: 's', wait: 200 },
        { id: 'd', source: 's', wait: '{{sessionTtlMs}}' },
        { id: 'e', source: 's', stdio: { do: 'close-stdin', within: 5000 } },
        { id: 'f', source: 's', probe: 'session-ids' },
        { id: 'g', source: 's', send: { method: 'ping' } },
      ],
    };
    expect(estimateMs(s)).toBe(1000 + 500 + 200 + 5000 + 10_000);
    expect(estimateMs(s, { sessionTtlMs: 3000 })).toBe(1000 + 500 + 200 + 3000 + 5000 + 10_000);
  });

  it('puts the session-ID sample and the shutdown wait among the longest of the bundled suite', () => {
    const suite = loadSuite(SUITES_DIR);
    const ranked = [...suite].sort((a, b) => estimateMs(b) - estimateMs(a)).map((s) => s.id);
    expect(ranked.slice(0, 2).sort()).toEqual(['http.session.id-uniqueness', 'transports.stdio.shutdown']);
    expect(suite.filter((s) => estimateMs(s) === 0).length).toBeGreaterThan(5);
  });
});
