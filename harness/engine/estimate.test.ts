/** The scheduler's duration estimate: the waits a scenario sits out against a conformant server, per transport, from the scenario alone. */
import { describe, it, expect } from 'vitest';
import { estimateMs } from './estimate.js';
import { loadSuite } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';
import type { Scenario } from '../model/scenario.js';
import { PROBES } from '../probes/index.js';

const base: Omit<Scenario, 'steps'> = { id: 't', title: 't', versions: {}, checks: [], path: '', file: '' };

describe('estimateMs', () => {
  it('adds GET windows read to their end, stdio notification windows, numeric waits, waits named by a run option, and probe estimates', () => {
    const s: Scenario = {
      ...base,
      steps: [
        { id: 'a', source: 's', send: { method: 'ping' }, window: 1000 }, // a POST's answer ends the read
        { id: 'b', source: 's', http: { method: 'GET', windowMs: 500 } }, // an SSE stream kept open: the whole window
        { id: 'b2', source: 's', http: { method: 'GET', windowMs: 700, until: 'head' } }, // ends at the head
        { id: 'b3', source: 's', http: { method: 'POST', windowMs: 900 } }, // ends with the answer
        { id: 'c', source: 's', wait: 200 },
        { id: 'd', source: 's', wait: '{{sessionTtlMs}}' },
        { id: 'e', source: 's', stdio: { do: 'close-stdin', within: 5000 } }, // a bound: a conformant server exits at once
        { id: 'f', source: 's', probe: 'session-ids' },
        { id: 'g', source: 's', send: { method: 'ping' } },
        { id: 'h', source: 's', send: { method: 'notifications/x', notification: true }, window: 300 },
      ],
    };
    const probe = PROBES['session-ids']!.estimateMs!;
    expect(probe).toBeGreaterThan(0);
    expect(estimateMs(s)).toBe(500 + 200 + probe);
    expect(estimateMs(s, { sessionTtlMs: 3000 })).toBe(500 + 200 + 3000 + probe);
    // Over stdio the GET step never runs, and the notification's window is read to its end.
    expect(estimateMs(s, {}, 'stdio')).toBe(200 + probe + 300);
  });

  it('counts only the steps and scenarios of the run\'s transport', () => {
    const s: Scenario = {
      ...base,
      steps: [
        { id: 'http-only', source: 's', transports: ['streamable-http'], http: { method: 'GET', windowMs: 500 } },
        { id: 'stdio-only', source: 's', transports: ['stdio'], send: { method: 'notifications/x', notification: true }, window: 400 },
      ],
    };
    expect(estimateMs(s, {}, 'streamable-http')).toBe(500);
    expect(estimateMs(s, {}, 'stdio')).toBe(400);
    expect(estimateMs({ ...s, transports: ['stdio'] }, {}, 'streamable-http')).toBe(0);
  });

  it('ranks the scenarios that sit out windows first in the bundled suite over HTTP: ordering, event ids, SSE streams, the session-ID sample', () => {
    const suite = loadSuite(SUITES_DIR);
    const ranked = [...suite].sort((a, b) => estimateMs(b) - estimateMs(a)).map((s) => s.id);
    expect(ranked.slice(0, 6)).toEqual(expect.arrayContaining(['lifecycle.initialize.ordering', 'http.responses.event-ids', 'http.session.id-uniqueness']));
    // Scenarios that only exchange requests are quick.
    expect(suite.filter((s) => estimateMs(s) === 0).length).toBeGreaterThan(10);
    // stdio-only scenarios are nothing over HTTP.
    expect(estimateMs(suite.find((s) => s.id === 'transports.stdio.shutdown')!)).toBe(0);
  });
});
