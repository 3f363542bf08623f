/**
 * Benchmark: wall time of full suite runs, and peak RSS of the harness while
 * it reads hostile answers (an endless body, an endless SSE stream). Numbers
 * are printed, never asserted. Run: `npm run bench` (builds first).
 *
 * - reference: the bundled reference server, in-process, 2025-11-25 and all versions
 * - slow initialize: the reference variant that takes 600 ms per initialize, all versions (aim: under 60 s)
 * - everything: @modelcontextprotocol/server-everything via --command semantics
 * - hostile: in-process servers streaming without end; RSS is sampled every 20 ms
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadSuite } from '../harness/load/loader.js';
import { runSuite } from '../harness/engine/suite.js';
import { SUITES_DIR, PACKAGE_ROOT } from '../harness/model/paths.js';
import { SESSION_ERA_HTTP_VERSIONS } from '../harness/model/versions.js';
import { startCommand } from '../harness/target/target.js';
import { createReferenceServer } from '../fixtures/reference-server.js';
import { VARIANTS } from '../fixtures/variants.js';

const scenarios = loadSuite(SUITES_DIR);
const limits = { timeoutMs: 10_000, maxResponseBytes: 4 * 1024 * 1024 };

async function timeRuns(label: string, url: string, versions: string[], n: number): Promise<void> {
  const times: number[] = [];
  let checks = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await runSuite({ url, target: { kind: 'url', url }, scenarios, versions, limits, concurrency: 4 });
    times.push(performance.now() - t);
    checks = r.checks.length;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${label.padEnd(52)} ${checks} checks  median ${median.toFixed(0)} ms  min ${times[0]!.toFixed(0)} ms  max ${times[times.length - 1]!.toFixed(0)} ms  (n=${n})`);
}

async function peakRss(label: string, handler: Parameters<typeof createServer>[1]): Promise<void> {
  const srv = createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/mcp`;
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  const r = await runSuite({ url, target: { kind: 'url', url }, scenarios, versions: ['2025-11-25'], limits: { timeoutMs: 2_000, maxResponseBytes: limits.maxResponseBytes }, concurrency: 4 });
  clearInterval(sampler);
  srv.closeAllConnections();
  srv.close();
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`${label.padEnd(52)} ${r.summary.error} error verdicts in ${(performance.now() - t).toFixed(0)} ms; RSS before ${mb(base)} MiB, peak ${mb(peak)} MiB`);
}

const ref = createReferenceServer({});
await new Promise<void>((r) => ref.listen(0, '127.0.0.1', r));
const refUrl = `http://127.0.0.1:${(ref.address() as AddressInfo).port}/mcp`;
console.log(`suite: ${scenarios.length} scenarios; node ${process.version}`);
await timeRuns('reference server, 2025-11-25', refUrl, ['2025-11-25'], 7);
await timeRuns('reference server, all session-era versions', refUrl, [...SESSION_ERA_HTTP_VERSIONS], 7);
ref.closeAllConnections();
ref.close();

// A server slow to open sessions (600 ms per initialize): the adaptive session-ID probe keeps the run short.
const slow = createReferenceServer(VARIANTS['slow-initialize']!.faults);
await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/mcp`;
await timeRuns('slow initialize (600 ms), all session-era versions', slowUrl, [...SESSION_ERA_HTTP_VERSIONS], 3);
slow.closeAllConnections();
slow.close();

const everything = await startCommand(
  `node ${PACKAGE_ROOT}/node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp`,
  'http://127.0.0.1:{port}/mcp',
  15_000,
);
try {
  await timeRuns('server-everything, 2025-11-25', everything.url, ['2025-11-25'], 7);
  await timeRuns('server-everything, all session-era versions', everything.url, [...SESSION_ERA_HTTP_VERSIONS], 7);
} finally {
  await everything.stop();
}

const chunk = Buffer.alloc(64 * 1024, 'x');
await peakRss('hostile: endless JSON body (4 MiB bound)', (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
});
await peakRss('hostile: endless SSE stream, no response', (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  const t = setInterval(() => res.write(`: ${'x'.repeat(8 * 1024)}\n\n`), 1);
  res.on('close', () => clearInterval(t));
});
