/**
 * The Streamable HTTP transport against small loopback servers: `until: head`
 * ends the read of an SSE stream once its head is in (the server sees the
 * client go away; the record says the read was stopped), while a JSON body is
 * still read to its end for the transcript; the stateless form puts the
 * 2026-07-28 request headers and `_meta` on the request.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAgent } from './http.js';
import { streamableHttpTransport } from './streamable-http.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`;
}

const ctx = { stepId: 's', vars: { protocolVersion: '2026-07-28' }, nextId: (() => { let n = 0; return () => ++n; })() };

describe('until: head', () => {
  it('stops reading an SSE stream that never ends once its head is in; the server sees the client leave', async () => {
    let left!: () => void;
    const gone = new Promise<void>((r) => (left = r));
    const url = await listen((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(': open\n\n');
      req.socket.on('close', left);
    });
    const agent = createAgent();
    const t = streamableHttpTransport({ agent, url, limits: { timeoutMs: 60_000, maxResponseBytes: 1 << 20 }, holdsGetStream: false, protocolVersion: '2025-11-25' });
    const { ex } = await t.http({ method: 'GET', windowMs: 60_000, until: 'head' }, ctx);
    await gone; // the stream was closed by the client, not by the 60 s window
    expect(ex.record.response?.status).toBe(200);
    expect(ex.record.error).toBeUndefined();
    expect(ex.windowEnd).toBe('stopped');
    await agent.destroy();
  });

  it('reads a JSON body to its end (the transcript keeps it)', async () => {
    const url = await listen((_req, res) => res.writeHead(405, { 'Content-Type': 'application/json' }).end('{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Method not allowed"}}'));
    const agent = createAgent();
    const t = streamableHttpTransport({ agent, url, limits: { timeoutMs: 5_000, maxResponseBytes: 1 << 20 }, holdsGetStream: false, protocolVersion: '2025-11-25' });
    const { ex } = await t.http({ method: 'GET', windowMs: 5_000, until: 'head' }, ctx);
    expect(ex.record.response?.status).toBe(405);
    expect(ex.record.response?.body).toContain('Method not allowed');
    await agent.destroy();
  });
});

describe('the stateless form', () => {
  it('a send at 2026-07-28 carries MCP-Protocol-Version, Mcp-Method, Mcp-Name and the per-request _meta, and no session headers', async () => {
    let seen: { headers: Record<string, unknown>; body: Record<string, any> } | undefined;
    const url = await listen((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        seen = { headers: req.headers, body: JSON.parse(b) };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: seen.body.id, result: { resultType: 'complete' } }));
      });
    });
    const agent = createAgent();
    const t = streamableHttpTransport({ agent, url, limits: { timeoutMs: 5_000, maxResponseBytes: 1 << 20 }, holdsGetStream: false, protocolVersion: '2026-07-28' });
    await t.message({ method: 'tools/call', params: { name: 'héllo', arguments: {} }, meta: { clientInfo: null } }, { ...ctx, vars: { ...ctx.vars, sessionId: 'abc' } });
    expect(seen?.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': `=?base64?${Buffer.from('héllo').toString('base64')}?=` });
    expect(seen?.headers['mcp-session-id']).toBeUndefined();
    expect(seen?.body.params._meta).toEqual({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} });
    await agent.destroy();
  });
});
