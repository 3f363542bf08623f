import { describe, expect, it } from 'vitest';
import * as undici from 'undici';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, errors, request } from './undici-core.js';

describe('undici-core: the parts of undici loaded without its index', () => {
  it('are the very class, error classes and request function undici exports', () => {
    expect(Agent).toBe(undici.Agent);
    expect(errors).toBe(undici.errors);
    expect(errors.HeadersTimeoutError).toBe(undici.errors.HeadersTimeoutError);
    // The index adds the API to every dispatcher; ours calls the same function.
    expect(typeof (undici.Dispatcher.prototype as unknown as { request: unknown }).request).toBe('function');
  });

  it('request sends method, path with query, headers and body through the given agent, and reads the answer', async () => {
    const seen: Array<{ method?: string; url?: string; header?: string; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, header: req.headers['x-probe'] as string, body });
        res.writeHead(201, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const agent = new Agent({ connections: 1 });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp?x=1`;
      const res = await request(url, { dispatcher: agent, method: 'POST', headers: { 'x-probe': 'yes' }, body: 'hello' });
      expect(res.statusCode).toBe(201);
      expect(await res.body.text()).toBe('ok');
      expect(seen).toEqual([{ method: 'POST', url: '/mcp?x=1', header: 'yes', body: 'hello' }]);
    } finally {
      await agent.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('rejects a URL that is not http(s) with undici\'s InvalidArgumentError', () => {
    const agent = new Agent();
    expect(() => request('ftp://127.0.0.1/x', { dispatcher: agent, method: 'GET' })).toThrow(errors.InvalidArgumentError);
    void agent.close();
  });
});
