/**
 * The harness never hangs and never lies: hostile answers become `error`
 * verdicts naming the bound that was hit, SSE is parsed whatever its framing,
 * and no scenario passes (or goes not-applicable) against a silent target.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createAgent, exchange } from '../transport/http.js';
import { ROOT_CAUSE_CHECK, runSuite } from './suite.js';
import { loadSuite } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';
import { loopbackServers } from '../../fixtures/loopback.js';

const { serve, closeAll } = loopbackServers();
afterEach(closeAll);

/**
 * Deadline of the exchanges whose outcome is decided by what arrives (a body past the size bound, a
 * closed connection, a complete answer): reached only if the machine stalls for half a minute, so it
 * never races the event under test. Tests whose outcome is the deadline itself use a short one.
 */
const FAR = 30_000;

const ping = (url: string) => ({
  method: 'POST',
  url,
  headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
  body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
});

describe('exchange bounds', () => {
  it('a body over the size bound ends with a size-limit error, keeping the status', async () => {
    // Every write is four times the bound: the first one that arrives passes it.
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const write = () => {
        while (res.write(chunk)) {
          /* fill the socket */
        }
        res.once('drain', write);
      };
      write();
    });
    const agent = createAgent();
    const ex = await exchange(agent, ping(url), { kind: 'response', awaitId: 1 }, { timeoutMs: FAR, maxResponseBytes: 16 * 1024 }, 0, 's');
    await agent.destroy();
    expect(ex.record.error?.kind).toBe('size-limit');
    expect(ex.record.error?.message).toContain('16384 bytes');
    expect(ex.record.response?.status).toBe(200);
  });

  it('a server that never answers ends with a timeout error at the deadline', async () => {
    const url = await serve(() => {
      /* accept, say nothing */
    });
    const agent = createAgent();
    const ex = await exchange(agent, ping(url), { kind: 'response', awaitId: 1 }, { timeoutMs: 300, maxResponseBytes: 1024 }, 0, 's');
    await agent.destroy();
    expect(ex.record.error?.kind).toBe('timeout');
    expect(ex.record.response).toBeUndefined();
  });

  it('an SSE stream that never sends the response ends with a timeout error', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': keep-alive\n\n');
    });
    const agent = createAgent();
    const ex = await exchange(agent, ping(url), { kind: 'response', awaitId: 1 }, { timeoutMs: 300, maxResponseBytes: 1024 }, 0, 's');
    await agent.destroy();
    expect(ex.record.error?.kind).toBe('timeout');
  });

  it('a connection closed mid-response is a connection error', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      // Destroyed once the partial body is handed to the socket (an event, not a delay).
      res.write('{"jsonrpc":', () => req.socket.destroy());
    });
    const agent = createAgent();
    const ex = await exchange(agent, ping(url), { kind: 'response', awaitId: 1 }, { timeoutMs: FAR, maxResponseBytes: 1024 }, 0, 's');
    await agent.destroy();
    expect(ex.record.error?.kind).toBe('connection');
  });

  it('SSE: comments, empty priming events and any event name are handled; reading stops at the response', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
      res.write(': comment\n\nid: prime-1\ndata:\n\n');
      res.write('event: progress-ish\ndata: {"jsonrpc":"2.0","method":"notifications/message","params":{}}\n\n');
      res.write('event: custom\nid: e2\ndata: {"jsonrpc":"2.0","id":1,\ndata: "result":{}}\n\n');
      // never ends: the reader must stop on its own
    });
    const agent = createAgent();
    const ex = await exchange(agent, ping(url), { kind: 'response', awaitId: 1 }, { timeoutMs: FAR, maxResponseBytes: 4096 }, 0, 's');
    await agent.destroy();
    expect(ex.record.error).toBeUndefined();
    expect(ex.messages).toContainEqual({ jsonrpc: '2.0', id: 1, result: {} });
    expect(ex.record.response?.sse?.map((e) => e.event ?? '')).toEqual(['', 'progress-ish', 'custom']);
    expect(ex.record.note).toMatch(/after the JSON-RPC response/);
  });
});

describe('no false pass', () => {
  it('against a target that accepts connections and never answers, one error names the cause and every other check is blocked', async () => {
    const url = await serve(() => {
      /* silence */
    });
    const r = await runSuite({
      url,
      target: { kind: 'url', url },
      scenarios: loadSuite(SUITES_DIR),
      versions: ['2025-11-25'],
      limits: { timeoutMs: 250, maxResponseBytes: 1024 },
      concurrency: 8,
      // Opt-in checks run too, so that none is not-applicable for want of the option.
      options: { checkHost: true },
    });
    // Checks bound to other revisions or to stdio are not-applicable before any traffic. Discovery's initialize timed
    // out: the cause is one error on initialize-succeeds, everything else is blocked by it, and no scenario sent anything.
    const judged = r.checks.filter((c) => c.reason !== 'version-out-of-range' && c.reason !== 'transport-stdio-only');
    const root = judged.filter((c) => c.verdict === 'error');
    expect(root.map((c) => `${c.id} ${c.reason}`)).toEqual([`${ROOT_CAUSE_CHECK} timeout`]);
    expect(root[0]!.observed).toMatch(/^discovery: initialize at 2025-11-25 got no answer \(timeout: /);
    const rest = judged.filter((c) => c.verdict !== 'error');
    expect(rest.length).toBeGreaterThan(100);
    expect(rest.filter((c) => c.verdict !== 'blocked' || c.reason !== 'target-not-answering').map((c) => `${c.id}: ${c.verdict} ${c.reason}`)).toEqual([]);
    expect(r.scenarios.every((s) => s.transcript.length === 0)).toBe(true);
    expect(r.discovery!.exchanges[0]!.error!.kind).toBe('timeout');
  });

  it('against a target that answers every request with garbage, nothing passes', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    });
    const r = await runSuite({
      url,
      target: { kind: 'url', url },
      scenarios: loadSuite(SUITES_DIR),
      versions: ['2025-11-25'],
      limits: { timeoutMs: FAR, maxResponseBytes: 1024 },
      concurrency: 8,
    });
    expect(r.checks.filter((c) => c.verdict === 'pass').map((c) => c.id)).toEqual([]);
    expect(r.summary.fail).toBeGreaterThan(0);
  });
});

describe('response ids', () => {
  it('a response with another JSON-RPC id is never taken as the answer', async () => {
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        // DELETEs (discovery and the end of each scenario end their sessions) carry no body.
        if (!body) return void res.writeHead(200).end();
        const id = JSON.parse(body).id;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 'abc' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: typeof id === 'number' ? id + 100 : 'other', result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'x', version: '1' } } }));
      });
    });
    const r = await runSuite({
      url,
      target: { kind: 'url', url },
      scenarios: loadSuite(SUITES_DIR).filter((s) => s.id === 'lifecycle.initialize.result'),
      versions: ['2025-11-25'],
      limits: { timeoutMs: FAR, maxResponseBytes: 4096 },
      concurrency: 1,
    });
    const c = r.checks.find((x) => x.id === 'lifecycle.initialize.result/initialize-succeeds');
    expect(c?.verdict).toBe('fail');
    expect(r.scenarios[0]?.transcript[0]?.note).toMatch(/does not match request id 1/);
    expect(r.checks.filter((x) => x.verdict === 'pass')).toEqual([]);
  });
});

describe('harness faults while judging', () => {
  it('a matcher naming a variable captured as absent gives error (unknown-variable), not a crash', async () => {
    const { loadScenario, loadRequirementIds } = await import('../load/loader.js');
    const { runScenario } = await import('./runner.js');
    const { join } = await import('node:path');
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    const text = [
      'id: test.harness.absent-variable',
      'title: t',
      'versions: {}',
      'checks:',
      '  - { id: c, title: t, level: MUST, requirements: [HTTP-SESS-002], spec: basic/transports }',
      'steps:',
      '  - id: first',
      '    http: { jsonrpc: { method: ping } }',
      '    capture: { sid: { header: mcp-session-id } }',
      '  - id: second',
      '    http: { jsonrpc: { method: ping } }',
      '    expect: { c: { header: { x-echo: "{{sid}}" } } }',
      '',
    ].join('\n');
    const scenario = loadScenario(join(SUITES_DIR, 'test.yaml'), SUITES_DIR, loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml')), undefined, text);
    const agent = createAgent();
    const out = await runScenario(scenario, { agent, url, limits: { timeoutMs: FAR, maxResponseBytes: 4096 }, protocolVersion: '2025-11-25' });
    await agent.destroy();
    expect(out.checks[0]?.verdict).toBe('error');
    expect(out.checks[0]?.reason).toBe('unknown-variable');
  });
});
