/**
 * The stdio transport's reading rules for a request sent with a window: the
 * answer is awaited past the window unless the server has asked the client
 * something in the meantime (it then waits for an answer the harness never
 * gives, so the read ends at the window without error).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stdioTransport, type StdioTransport } from './stdio.js';

/** A line-based server: answers `tools/call` by asking the client for sampling (never answering itself), and `ping` after 600 ms. */
const SERVER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (l) => {
  const m = JSON.parse(l);
  if (m.method === 'tools/call') process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', method: 'sampling/createMessage', params: {} }) + '\\n');
  if (m.method === 'ping') setTimeout(() => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {} }) + '\\n'), 600);
});
`;

let dir = '';
let script = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'msc-stdio-'));
  script = join(dir, 'server.cjs');
  writeFileSync(script, SERVER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let transport: StdioTransport | undefined;
afterEach(async () => {
  await transport?.close({});
  transport = undefined;
});

const open = (): StdioTransport =>
  (transport = stdioTransport({ command: `'${process.execPath}' '${script}'`, limits: { timeoutMs: 10_000, maxResponseBytes: 1 << 20 } }));

const ctx = () => {
  let id = 0;
  return { stepId: 's', vars: {}, nextId: () => ++id };
};

describe('stdio transport: a request read with a window', () => {
  it('ends at the window, without error, once the server has asked the client something (it waits for the client)', async () => {
    const t = open();
    const { ex } = await t.message({ method: 'tools/call', params: { name: 'x' } }, { ...ctx(), windowMs: 300 });
    expect(ex.record.error).toBeUndefined();
    expect(ex.record.windowExpired).toBe(true);
    expect(ex.messages.map((m) => (m as { method?: string }).method)).toEqual(['sampling/createMessage']);
    expect(ex.windowEnd).toBe('window');
  });

  it('still awaits the answer past the window when the server asked nothing (a slow server is not a silent one)', async () => {
    const t = open();
    const { ex } = await t.message({ method: 'ping' }, { ...ctx(), windowMs: 100 });
    expect(ex.record.error).toBeUndefined();
    expect(ex.json).toMatchObject({ result: {} });
    expect(ex.windowEnd).toBe('server');
  });
});
