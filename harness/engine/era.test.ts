/**
 * Era detection (MCP 2026-07-28 basic/versioning, V5-BC-001): the answer to
 * server/discover is read as a DiscoverResult, a 2026-07-28 error, another
 * answer or none, and the era follows from it and the session-era revisions
 * initialize negotiated — never from silence. End to end: a server that
 * answers initialize but never server/discover leaves the era unknown, and
 * checks at 2026-07-28 are error (era-unknown) with nothing sent for them.
 */
import { describe, it, expect } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExchangeRecord } from '../model/results.js';
import { classifyEra, readDiscoverAnswer, statelessSupport } from './era.js';
import { runSuite } from './suite.js';
import { loadSuite } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';

const rec = (status?: number, error?: ExchangeRecord['error']): ExchangeRecord => ({
  seq: 0,
  step: 'discovery',
  startedAt: '',
  durationMs: 1,
  request: { method: 'POST', url: 'http://x/mcp', headers: {} },
  ...(status !== undefined ? { response: { status, headers: {}, body: '' } } : {}),
  ...(error ? { error } : {}),
} as ExchangeRecord);

describe('reading the answer to server/discover', () => {
  it('a DiscoverResult lists the stateless versions', () => {
    const a = readDiscoverAnswer(rec(200), { result: { supportedVersions: ['2026-07-28', 7], _meta: { 'io.modelcontextprotocol/serverInfo': { name: 's' } } } });
    expect(a).toMatchObject({ kind: 'result', versions: ['2026-07-28'], serverInfo: { name: 's' } });
  });
  it('a 2026-07-28 error (-32022 with data.supported) is modern; another error is not', () => {
    expect(readDiscoverAnswer(rec(400), { error: { code: -32022, data: { supported: ['2026-07-28'] } } })).toMatchObject({ kind: 'stateless-error', versions: ['2026-07-28'] });
    expect(readDiscoverAnswer(rec(400), { error: { code: -32000 } })).toMatchObject({ kind: 'other', versions: [] });
    expect(readDiscoverAnswer(rec(404), undefined)).toMatchObject({ kind: 'other', observed: 'HTTP 404 without a JSON-RPC response' });
  });
  it('no answer is none, naming the transport error', () => {
    expect(readDiscoverAnswer(rec(undefined, { kind: 'timeout', message: 'no answer within 1000 ms' }), undefined)).toMatchObject({ kind: 'none', observed: 'no answer (timeout: no answer within 1000 ms)' });
  });
});

describe('classifying the era', () => {
  const result = readDiscoverAnswer(rec(200), { result: { supportedVersions: ['2026-07-28'] } });
  const other = readDiscoverAnswer(rec(400), { error: { code: -32601 } });
  const none = readDiscoverAnswer(rec(undefined, { kind: 'timeout', message: 't' }), undefined);
  it('from both paths', () => {
    expect(classifyEra(result, ['2025-11-25']).era).toBe('dual-era');
    expect(classifyEra(result, []).era).toBe('stateless-era');
    expect(classifyEra(other, ['2025-11-25']).era).toBe('session-era');
  });
  it('never from silence: no answer, or neither path served, is unknown with the reason', () => {
    expect(classifyEra(none, ['2025-11-25'])).toMatchObject({ era: 'unknown', error: expect.stringContaining('server/discover got no answer') });
    expect(classifyEra(other, [])).toMatchObject({ era: 'unknown', error: expect.stringContaining('neither path was served') });
    expect(classifyEra(result, ['2025-11-25'], 'initialize got no answer').era).toBe('unknown');
  });
  it('2026-07-28 is supported when listed, not-supported when the era is known and it is not, unknown otherwise', () => {
    expect(statelessSupport(classifyEra(result, [])).support).toBe('supported');
    expect(statelessSupport(classifyEra(other, ['2025-11-25'])).support).toBe('not-supported');
    expect(statelessSupport(classifyEra(none, ['2025-11-25'])).support).toBe('unknown');
  });
});

/** A session-era server of a few lines that answers initialize and ping, and never answers server/discover. */
function silentOnDiscover() {
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = body ? JSON.parse(body) : {};
      if (msg.method === 'server/discover') return void held.push(res); // never answered
      if (msg.method === 'initialize')
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: msg.params.protocolVersion, capabilities: {}, serverInfo: { name: 'silent-on-discover', version: '1' } } }));
      if (msg.id === undefined) return void res.writeHead(202).end();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: {} }));
    });
  });
  return { server, held };
}

describe('a server that never answers server/discover', () => {
  it('leaves the era unknown with the reason, and the checks at 2026-07-28 are error (era-unknown), nothing sent for them', async () => {
    const { server, held } = silentOnDiscover();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    try {
      const r = await runSuite({
        url,
        target: { kind: 'url', url },
        scenarios: loadSuite(SUITES_DIR).filter((s) => ['lifecycle.ping', 'stateless.meta'].includes(s.id)),
        versions: ['2025-11-25', '2026-07-28'],
        limits: { timeoutMs: 1_000, maxResponseBytes: 1 << 20 },
        concurrency: 2,
      });
      expect(r.discovery?.era).toMatchObject({ era: 'unknown', sessionVersions: ['2025-03-26', '2025-06-18', '2025-11-25'], error: expect.stringContaining('server/discover got no answer (timeout') });
      const modern = r.checks.filter((c) => c.protocolVersion === '2026-07-28' && c.id.startsWith('stateless.'));
      expect(modern.length).toBeGreaterThan(0);
      expect(new Set(modern.map((c) => `${c.verdict} ${c.reason}`))).toEqual(new Set(['error era-unknown']));
      expect(modern.every((c) => (c.observed ?? '').includes('server/discover got no answer'))).toBe(true);
      expect(r.scenarios.filter((s) => s.protocolVersion === '2026-07-28').every((s) => s.transcript.length === 0)).toBe(true);
      // The session era is judged as usual.
      expect(r.checks.filter((c) => c.id.startsWith('lifecycle.ping') && c.protocolVersion === '2025-11-25').every((c) => c.verdict === 'pass')).toBe(true);
    } finally {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
