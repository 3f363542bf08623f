/**
 * The main job end to end, through the built CLI as a user runs it: reports,
 * exit codes, malformed scenarios, unreachable and failing targets, and
 * process hygiene for --command (normal end and SIGINT).
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { create } from 'xmlbuilder2';
import { processesWith, runCli } from '../fixtures/cli-process.js';
import { SCHEMAS_DIR } from './model/paths.js';
import { freePort } from './target/target.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msc-cli-'));


describe('cli: reference server (no target given)', () => {
  it('writes exactly the five reports, all checks pass, exit 0', async () => {
    const out = tmp();
    // --check-host: the opt-in Host check runs too, so every check is judged (none not-applicable).
    const r = await runCli(['--out', out, '--check-host']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'results.schema.json'), 'utf8')));
    expect(validate(results), JSON.stringify(validate.errors)).toBe(true);
    expect(results.target.kind).toBe('reference');
    expect(results.target.serverInfo.name).toBe('mcp-session-conformance-reference');
    expect(results.checks.length).toBeGreaterThan(10);
    // The README's promise for the bundled reference: only pass, not-applicable and info.
    const verdicts = new Set(results.checks.map((c: { verdict: string }) => c.verdict));
    expect([...verdicts].filter((v) => !['pass', 'not-applicable', 'info'].includes(v as string))).toEqual([]);
    expect(verdicts.has('pass')).toBe(true);
    // One console line per check, then the summary.
    for (const c of results.checks) expect(r.stdout).toContain(`${c.id}@${c.protocolVersion}`);
    expect(r.stdout).toMatch(/exit 0/);
    const junit = create(readFileSync(join(out, 'junit.xml'), 'utf8')).end({ format: 'object' }) as Record<string, any>;
    const suites = [junit.testsuites.testsuite].flat();
    expect(suites.length).toBe(results.scenarios.length);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('mcp-session-conformance-reference');
  });

  it('--list prints scenarios with check IDs, levels and requirement IDs', async () => {
    const r = await runCli(['--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/http\.session\.delete-terminates\/terminated-session-returns-404\s+MUST\s+\[HTTP-SESS-006\]/);
  });

  it('--scenario selects; an unknown one is a usage error (exit 2)', async () => {
    const out = tmp();
    const r = await runCli(['--out', out, '--scenario', 'http.session.missing-id']);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(new Set(results.checks.map((c: { scenario: string }) => c.scenario))).toEqual(new Set(['http.session.missing-id']));
    const bad = await runCli(['--scenario', 'no.such.scenario']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown scenario "no\.such\.scenario"/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const flag = await runCli(['--no-such-flag']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option/);
    const ver = await runCli(['--protocol-version', '2020-01-01', '--list']);
    expect(ver.code).toBe(2);
    expect(ver.stderr).toMatch(/unknown protocol version "2020-01-01"/);
    const num = await runCli(['--timeout', 'soon']);
    expect(num.code).toBe(2);
    expect(num.stderr).toMatch(/--timeout must be a positive integer/);
  });
});

describe('cli: bad scenario files', () => {
  it('a malformed YAML scenario stops the run with exit 2 and file:line:col', async () => {
    const dir = tmp();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'id: x.y\ntitle: t\nversions: {from: "2025-03-26"\nchecks: []\n');
    const r = await runCli(['--suite', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+: invalid YAML/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a schema-invalid scenario names the key and its position', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'area'));
    writeFileSync(
      join(dir, 'area', 'bad.yaml'),
      [
        'id: area.topic.bad',
        'title: t',
        'versions: { from: "2025-03-26" }',
        'checks:',
        '  - id: c',
        '    title: t',
        '    level: MUSTY',
        '    requirements: [HTTP-SESS-006]',
        '    spec: basic/transports',
        'steps:',
        '  - http: { jsonrpc: { method: ping } }',
        '    expect: { c: { status: 200 } }',
        '',
      ].join('\n'),
    );
    const r = await runCli(['--suite', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/area\/bad\.yaml:7:12: schema: at checks\.0\.level: must be one of/);
  });
});

describe('cli: targets that cannot be used', () => {
  it('--session-ttl runs the expiry scenario against a server that expires sessions, and is recorded', async () => {
    const out = tmp();
    const r = await runCli([
      '--command', 'node dist/fixtures/reference-server.js --variant session-ttl',
      '--url', 'http://127.0.0.1:{port}/mcp',
      '--session-ttl', '2000',
      '--scenario', 'http.session.expiry',
      '--out', out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.options).toMatchObject({ sessionTtlMs: 2000, checkHost: false, sessionSamples: 256 });
    expect(results.checks.map((c: { verdict: string }) => c.verdict)).toEqual(['pass', 'pass']);
    const bad = await runCli(['--session-ttl', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--session-ttl must be a positive integer/);
  });

  it('--header adds credentials to every request, and the reports never show their value', async () => {
    const out = tmp();
    const target = ['--command', 'node dist/fixtures/reference-server.js --variant requires-bearer-token', '--url', 'http://127.0.0.1:{port}/mcp'];
    const r = await runCli([...target, '--header', 'Authorization: Bearer t0ken', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.options.headers).toEqual(['Authorization']);
    expect(results.checks.filter((c: { verdict: string }) => !['pass', 'not-applicable'].includes(c.verdict))).toEqual([]);
    for (const f of ['results.json', 'junit.xml', 'report.html', 'summary.md', 'badge.svg']) expect(readFileSync(join(out, f), 'utf8')).not.toContain('t0ken');
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toContain('(redacted: --header)');
    // Without the credentials the same server refuses everything: initialize fails, exit 1.
    const without = await runCli([...target, '--out', tmp(), '--scenario', 'lifecycle.initialize.result']);
    expect(without.code).toBe(1);
    const bad = await runCli(['--header', 'no colon here']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--header must look like "Name: value"/);
  });

  it('an unreachable --url exits 2', async () => {
    const port = await freePort();
    const r = await runCli(['--url', `http://127.0.0.1:${port}/mcp`, '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unreachable/);
  });

  it('a --command that exits at once exits 2 and quotes its stderr', async () => {
    const r = await runCli(['--command', `node -e "console.error('boom: cannot bind'); process.exit(3)"`, '--url', 'http://127.0.0.1:{port}/mcp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exited with code 3/);
    expect(r.stderr).toContain('boom: cannot bind');
  });

  it('a --command that never opens its port exits 2 after --startup-timeout and leaves nothing running', async () => {
    const marker = `never-opens-${process.pid}-${Date.now()}`;
    const r = await runCli(['--command', `node -e "setTimeout(()=>{}, 600000)" ${marker}`, '--url', 'http://127.0.0.1:{port}/mcp', '--startup-timeout', '800']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did not open 127\.0\.0\.1:\d+ within 800 ms/);
    expect(processesWith(marker)).toEqual([]);
  });
});

describe('cli: --command process hygiene', () => {
  /**
   * A shell pipeline whose first process (a background-style grandchild that would outlive a
   * leader-only kill) prints its pid and marker; the reference server starts only once that line
   * was read, and says it on stderr — so the target's stderr in results.json proves the grandchild
   * ran with `marker` on its command line, by an event rather than by polling `ps`.
   */
  const withGrandchild = (marker: string) =>
    `node -e "console.log(process.pid, process.argv[1]); setTimeout(()=>{},600000)" ${marker} | (read line; echo "grandchild $line" >&2; exec node dist/fixtures/reference-server.js ${marker})`;
  const grandchildLine = (marker: string) => new RegExp(`^grandchild \\d+ ${marker}$`, 'm');

  it('stops the whole process group after a run (server and a grandchild)', async () => {
    const out = tmp();
    const marker = `grandchild-${process.pid}-${Date.now()}`;
    const r = await runCli(['--command', withGrandchild(marker), '--url', 'http://127.0.0.1:{port}/mcp', '--out', out, '--scenario', 'http.session.id-uniqueness']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).target.stderr).toMatch(grandchildLine(marker));
    expect(processesWith(marker)).toEqual([]);
  });

  it('on SIGINT stops the target, writes the reports of finished scenarios marked interrupted, exits 130', async () => {
    const out = tmp();
    const marker = `sigint-${process.pid}-${Date.now()}`;
    let aliveAtSignal: string[] = [];
    // latency-100ms, every revision, one scenario at a time: the run lasts over a minute (75 s here), so the target is up
    // when the first check passes and most scenarios are still to run when SIGINT lands.
    const r = await runCli(['--command', withGrandchild(marker), '--url', 'http://127.0.0.1:{port}/mcp', '--out', out, '--protocol-version', 'all', '--concurrency', '1'], {
      env: { MCP_FIXTURE_VARIANT: 'latency-100ms' },
      onLine: {
        stream: 'stdout',
        match: /^PASS /,
        act: (_line, pid) => {
          aliveAtSignal = processesWith(marker);
          process.kill(pid, 'SIGINT');
        },
      },
    });
    expect(r.actedOn, r.stdout).toBeDefined();
    expect(r.code, r.stderr).toBe(130);
    // Both the grandchild and the server were alive when the signal was sent, and neither survives.
    // (`ps -eo pid,stat,args` lines; the shell leader's own command line names both, so match the command's start.)
    expect(aliveAtSignal.filter((l) => /^\s*\d+\s+\S+\s+node -e /.test(l)).length, aliveAtSignal.join('\n')).toBe(1);
    expect(aliveAtSignal.filter((l) => /^\s*\d+\s+\S+\s+node dist\/fixtures\/reference-server\.js /.test(l)).length, aliveAtSignal.join('\n')).toBe(1);
    expect(processesWith(marker)).toEqual([]);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.interrupted).toBe(true);
    expect(results.target.stderr).toMatch(grandchildLine(marker));
    const verdicts = new Set(results.checks.map((c: { verdict: string }) => c.verdict));
    expect(verdicts.has('pass')).toBe(true);
    expect(verdicts.has('skipped')).toBe(true);
    expect(verdicts.has('fail')).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['badge.svg', 'junit.xml', 'report.html', 'results.json', 'summary.md']);
  });
});

describe('cli: run deadline, signals and bad output folders', () => {
  it('SIGTERM stops the target too and still writes the reports', async () => {
    const out = tmp();
    const marker = `sigterm-${process.pid}-${Date.now()}`;
    const cmd = `node dist/fixtures/reference-server.js ${marker}`;
    const r = await runCli(['--command', cmd, '--url', 'http://127.0.0.1:{port}/mcp', '--out', out, '--protocol-version', 'all', '--concurrency', '1'], {
      env: { MCP_FIXTURE_VARIANT: 'latency-100ms' },
      // Sent once a check passed: the target is up and the run (over a minute long) far from its end.
      onLine: { stream: 'stdout', match: /^PASS /, act: (_line, pid) => process.kill(pid, 'SIGTERM') },
    });
    expect(r.actedOn, r.stdout).toBeDefined();
    expect(r.code, r.stderr).toBe(130);
    expect(processesWith(marker)).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).interrupted).toBe(true);
  });

  it('--run-timeout ends the run with exit 2, skipped checks (reason run-timeout) and the reports', async () => {
    const out = tmp();
    // The deadline cannot race the run's end: at latency-100ms, every revision, one scenario at a time, the run
    // takes over a minute. Wherever the deadline lands (even during discovery, as with --run-timeout 1), what follows holds.
    const r = await runCli(['--out', out, '--protocol-version', 'all', '--concurrency', '1', '--run-timeout', '1500'], {
      env: { MCP_FIXTURE_VARIANT: 'latency-100ms' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run deadline of 1500 ms reached/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.interrupted).toBe(true);
    const skipped = results.checks.filter((c: { verdict: string }) => c.verdict === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((c: { reason: string }) => c.reason === 'run-timeout')).toBe(true);
  });

  it('a --command whose fixed port is already taken exits 2 instead of judging the squatter', async () => {
    const { createServer } = await import('node:http');
    const squatter = createServer((_q, s) => s.end('not mcp'));
    await new Promise<void>((res) => squatter.listen(0, '127.0.0.1', res));
    const port = (squatter.address() as { port: number }).port;
    try {
      const r = await runCli(['--command', 'node dist/fixtures/reference-server.js', '--url', `http://127.0.0.1:${port}/mcp`, '--out', tmp()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`port ${port} is already in use`));
    } finally {
      squatter.close();
    }
  });

  it('an --out that cannot be written is exit 2 before anything runs', async () => {
    const dir = tmp();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli(['--out', join(file, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write reports to --out/);
    expect(r.stderr).not.toMatch(/starting target/);
  });
});

describe('cli: the target is stopped on every path', () => {
  it('a target that ignores SIGTERM is killed after the grace period', async () => {
    const marker = `ignores-term-${process.pid}-${Date.now()}`;
    const server = `process.on('SIGTERM',()=>{}); require('http').createServer((q,s)=>{s.statusCode=500;s.end()}).listen(process.env.PORT,'127.0.0.1')`;
    const out = tmp();
    const r = await runCli(['--command', `node -e "${server}" ${marker}`, '--url', 'http://127.0.0.1:{port}/mcp', '--out', out, '--scenario', 'http.session.missing-id']);
    expect(processesWith(marker)).toEqual([]);
    // Its initialize answers 500, so the session checks are blocked — and a blocked check gates the exit code.
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.checks.length).toBeGreaterThan(0);
    expect(results.checks.filter((c: { verdict: string }) => c.verdict !== 'blocked')).toEqual([]);
    expect(r.code).toBe(1);
  });

  it('when writing the reports fails after the run, the target is still stopped (exit 2)', async () => {
    const out = tmp();
    mkdirSync(join(out, 'results.json')); // a folder where the file must go: the rename fails
    const marker = `write-fails-${process.pid}-${Date.now()}`;
    const r = await runCli(['--command', `node dist/fixtures/reference-server.js ${marker}`, '--url', 'http://127.0.0.1:{port}/mcp', '--out', out, '--scenario', 'http.session.missing-id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write reports/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(processesWith(marker)).toEqual([]);
  });

  it('a malformed --url exits 2 with a clear message', async () => {
    const r = await runCli(['--url', 'not a url']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a valid URL: not a url/);
  });
});
