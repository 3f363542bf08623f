/**
 * `report.html`: one self-contained page (inline CSS, no script, no external
 * resources; the only outbound links are spec links) for people to read.
 * A Content-Security-Policy meta tag forbids scripts and remote loads as a
 * second line of defence behind {@link escapeHtml}.
 */
import type { CheckResult, RunResults, Verdict } from '../harness/model/results.js';
import { displayValue, seconds, transcriptSlice, transportOf, VERDICT_ORDER, worstVerdict } from './common.js';
import { transcriptBlocks, type TranscriptBlock } from './transcript.js';

// C0 controls other than TAB/LF/FF/CR, DEL, C1 controls, U+FFFE/U+FFFF and (u flag) lone surrogates.
const HTML_UNSAFE = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|\p{Cs}/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `s` safe to place in HTML text or in a quoted attribute value: `& < > " '`
 * become character references, and characters HTML forbids in input (C0
 * controls other than TAB/LF/FF/CR, DEL, C1 controls, lone surrogates,
 * U+FFFE/U+FFFF) become U+FFFD. Never throws.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c).replace(HTML_UNSAFE, '\uFFFD');
}

/**
 * The run's settings in words, e.g. `timeout 10000 ms, … , session TTL not given, Host check off`.
 * Over stdio the size bound is per stdout line, the session-ID samples (an
 * HTTP probe) are left out, and session TTL and Host check are named only
 * when given.
 */
function runOptions(o: RunResults['options'], stdio: boolean): string {
  return [
    `timeout ${o.timeoutMs} ms`,
    stdio ? `stdout line bound ${o.maxResponseBytes} bytes` : `response bound ${o.maxResponseBytes} bytes`,
    `concurrency ${o.concurrency}`,
    ...(o.sessionTtlMs !== undefined ? [`session TTL ${o.sessionTtlMs} ms`] : stdio ? [] : ['session TTL not given']),
    ...(o.sessionSamples !== undefined && !stdio ? [`${o.sessionSamples} session-ID samples`] : []),
    ...(stdio && !o.checkHost ? [] : [`Host check ${o.checkHost ? 'on' : 'off'}`]),
    ...(o.strict ? ['strict'] : []),
    ...(o.headers?.length ? [`extra headers ${o.headers.join(', ')} (values redacted)`] : []),
  ].join(', ');
}

/**
 * Renders the run as one self-contained HTML document: header (transport,
 * target — for stdio the command, its working directory and the names of the
 * `--env` variables, never their values —, server, protocol versions, suite
 * version, start, duration, interruption, run options),
 * verdict counts, a requirement × protocol-version matrix of worst verdicts
 * linking to the details, the scenario runs, one
 * `<section id="<check id>@<version>">` per check result (verdict, level,
 * requirements, reason, expected vs observed, spec link, transcript slice in
 * a `<details>`, a stdio process's stderr tail folded in a nested
 * `<details>`), and the target's captured stdout/stderr. Every string from
 * the results is escaped with {@link escapeHtml}; spec links are emitted only
 * for `http(s)` URLs. Never throws for a well-typed `results`.
 */
export function renderHtml(results: RunResults): string {
  const t = results.target;
  const stdio = transportOf(t) === 'stdio';
  const server = t.serverInfo ? `${displayValue(t.serverInfo.name)} ${displayValue(t.serverInfo.version)}`.trim() : '';
  const row = (k: string, v: string | undefined): Array<[string, string]> => (v === undefined ? [] : [[k, v]]);
  const meta: Array<[string, string]> = [
    ['Transport', stdio ? 'stdio (the server runs as a subprocess; one process per session)' : 'streamable-http'],
    ...(stdio ? [] : row('Target', t.url)),
    ...row('Command', t.command),
    ...row('Working directory', t.cwd),
    ...row('Environment', t.env?.length ? `${t.env.join(', ')} (names only; values are not recorded)` : undefined),
    ['Server', server || '(no serverInfo seen)'],
    ['Protocol versions', results.protocolVersions.join(', ')],
    ...(results.discovery ? [['Server negotiates', results.discovery.negotiated.join(', ') || 'no session-era revision'] as [string, string]] : []),
    ['Suite version', results.suiteVersion],
    ['Started', results.startedAt],
    ['Duration', `${seconds(results.durationMs)} s`],
    ['Interrupted', results.interrupted ? 'yes — results are incomplete' : 'no'],
    ['Run options', runOptions(results.options, stdio)],
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>MCP session conformance — ${escapeHtml(stdio ? `stdio: ${t.command ?? ''}` : t.url)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>MCP session conformance report</h1>
<dl class="meta">
${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<p class="counts">${VERDICT_ORDER.map((v) => `${badge(v)} ${results.summary[v] ?? 0}`).join(' ')}</p>
</header>
<main>
${notNegotiated(results)}
${matrix(results)}
${scenarioTable(results)}
<h2>Checks</h2>
${results.checks.filter((c) => c.reason !== NOT_NEGOTIATED).map((c) => checkSection(results, c)).join('\n')}
${targetOutput(results)}
</main>
</body>
</html>
`;
}

/** Anchor ID of a check result's section: `<check id>@<protocolVersion>` (escape before use). */
function anchor(c: CheckResult): string {
  return `${c.id}@${c.protocolVersion}`;
}

function badge(v: Verdict, href?: string, title?: string): string {
  const tag = href ? 'a' : 'span';
  const extra = (href ? ` href="#${escapeHtml(href)}"` : '') + (title ? ` title="${escapeHtml(title)}"` : '');
  return `<${tag} class="badge v-${v}"${extra}>${escapeHtml(v)}</${tag}>`;
}

function matrix(results: RunResults): string {
  const reqs = [...new Set(results.checks.flatMap((c) => c.requirements))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const rows = reqs.map((req) => {
    const cells = results.protocolVersions.map((ver) => {
      const citing = results.checks.filter((c) => c.protocolVersion === ver && c.requirements.includes(req));
      const worst = worstVerdict(citing.map((c) => c.verdict));
      const at = citing.find((c) => c.verdict === worst);
      if (!worst || !at) return '<td class="none">—</td>';
      // Checks at a revision the server does not negotiate have no section of their own: the notice explains them once.
      const href = at.reason === NOT_NEGOTIATED ? `not-negotiated-${ver}` : anchor(at);
      return `<td>${badge(worst, href, citing.map((c) => `${c.id}: ${c.verdict}${c.reason ? ` (${c.reason})` : ''}`).join('\n'))}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(req)}</th>${cells.join('')}</tr>`;
  });
  return `<h2>Requirement matrix</h2>
<table class="matrix">
<thead><tr><th>Requirement</th>${results.protocolVersions.map((v) => `<th>${escapeHtml(v)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** Reason code of the checks at a revision the server does not negotiate. */
const NOT_NEGOTIATED = 'version-not-supported-by-server';

/**
 * One notice per revision under test that the server does not negotiate
 * (discovery): what initialize at it was answered with, and that its checks
 * are not-applicable except version negotiation. Empty when there is none.
 */
function notNegotiated(results: RunResults): string {
  const d = results.discovery;
  if (!d || d.notNegotiated.length === 0) return '';
  return d.notNegotiated
    .map((v) => {
      const r = d.revisions.find((x) => x.requested === v);
      const n = results.checks.filter((c) => c.protocolVersion === v && c.reason === NOT_NEGOTIATED).length;
      return `<section class="notice" id="not-negotiated-${escapeHtml(v)}"><h2>${escapeHtml(v)} is not negotiated by this server</h2>
<p>initialize at ${escapeHtml(v)} was answered with ${escapeHtml(r?.observed ?? 'another version')}. The server does not speak ${escapeHtml(v)}, so ${escapeHtml(v)}'s rules are not applied to it: its ${n} checks are <span class="badge v-not-applicable">not-applicable</span> (reason <code>${NOT_NEGOTIATED}</code>) and have no section of their own. Only the version-negotiation checks judge it at ${escapeHtml(v)}: how it answers a revision it does not support is exactly what they check.</p></section>`;
    })
    .join('\n');
}

function scenarioTable(results: RunResults): string {
  const rows = results.scenarios.map(
    (r) =>
      `<tr><td><code>${escapeHtml(r.key)}</code></td><td>${escapeHtml(r.title)}</td><td>${escapeHtml(r.status)}</td>` +
      `<td class="num">${seconds(r.durationMs)} s</td><td class="num">${r.checks.length}</td></tr>`,
  );
  return `<h2>Scenario runs</h2>
<table class="runs">
<thead><tr><th>Run</th><th>Title</th><th>Status</th><th>Duration</th><th>Checks</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function checkSection(results: RunResults, c: CheckResult): string {
  const { exchanges, seqs } = transcriptSlice(results, c);
  const blocks = seqs.length > 0 ? transcriptBlocks(exchanges, { seqs }) : [];
  const spec = /^https?:\/\//i.test(c.specUrl)
    ? `<a href="${escapeHtml(c.specUrl)}" rel="noreferrer">${escapeHtml(c.spec || c.specUrl)}</a>`
    : escapeHtml(c.specUrl);
  return `<section id="${escapeHtml(anchor(c))}" class="check v-${c.verdict}">
<h3>${badge(c.verdict)} <code>${escapeHtml(c.id)}</code> <span class="ver">@${escapeHtml(c.protocolVersion)}</span></h3>
<p class="title">${escapeHtml(c.title)}</p>
<dl>
<dt>Level</dt><dd>${escapeHtml(c.level)}</dd>
<dt>Requirements</dt><dd>${c.requirements.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}</dd>
${c.reason ? `<dt>Reason</dt><dd><code>${escapeHtml(c.reason)}</code></dd>` : ''}
<dt>Spec</dt><dd>${spec}</dd>
</dl>
<div class="eo">
<div><h4>Expected</h4><pre>${escapeHtml(c.expected ?? '(unspecified)')}</pre></div>
<div><h4>Observed</h4><pre>${escapeHtml(c.observed ?? '(unspecified)')}</pre></div>
</div>
<details><summary>Transcript (${seqs.length} exchange${seqs.length === 1 ? '' : 's'})</summary>${transcriptHtml(blocks)}</details>
</section>`;
}

/**
 * Transcript blocks as HTML: consecutive blocks share one `<pre>` (blank line
 * between them); a block with a stderr tail ends its `<pre>` and is followed
 * by a closed `<details class="stderr">` holding the tail.
 */
function transcriptHtml(blocks: TranscriptBlock[]): string {
  if (blocks.length === 0) return '<pre>(no exchanges)</pre>';
  const out: string[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) out.push(`<pre>${escapeHtml(pending.join('\n\n'))}</pre>`);
    pending = [];
  };
  for (const b of blocks) {
    pending.push(b.text);
    if (!b.stderr) continue;
    flush();
    out.push(`<details class="stderr"><summary>${escapeHtml(b.stderr.heading.replace(/:$/, ''))}</summary><pre>${escapeHtml(b.stderr.text || '(empty)')}</pre></details>`);
  }
  flush();
  return out.join('');
}

function targetOutput(results: RunResults): string {
  const { stdout, stderr, exitCode } = results.target;
  if (stdout === undefined && stderr === undefined && exitCode === undefined) return '';
  const block = (name: string, text: string | undefined): string =>
    text === undefined ? '' : `<details><summary>${name}</summary><pre>${escapeHtml(text || '(empty)')}</pre></details>`;
  return `<h2>Target output</h2>
${exitCode !== undefined ? `<p>Exit code: <code>${escapeHtml(String(exitCode))}</code></p>` : ''}
${block('stdout', stdout)}
${block('stderr', stderr)}`;
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{margin:.2rem 0;font-size:1.05rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.check dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}td.num{text-align:right}td.none{color:#aaa;text-align:center}
.badge{display:inline-block;min-width:4.5em;text-align:center;border-radius:.3rem;padding:0 .4rem;font-weight:600;font-size:.85em;color:#fff;text-decoration:none}
.v-pass{background:#2e7d32}.v-fail{background:#c62828}.v-warn{background:#ef8f00}.v-info{background:#0277bd}
.v-not-applicable{background:#9e9e9e}.v-skipped{background:#757575}.v-blocked{background:#6a1b9a}.v-error{background:#4e342e}
section.check{background:none;border:1px solid #ddd;border-left-width:6px;border-radius:.3rem;margin:1rem 0;padding:.5rem 1rem}
section.check.v-pass{border-left-color:#2e7d32}section.check.v-fail{border-left-color:#c62828}section.check.v-warn{border-left-color:#ef8f00}
section.check.v-info{border-left-color:#0277bd}section.check.v-error{border-left-color:#4e342e}section.check.v-blocked{border-left-color:#6a1b9a}
section.check:target{box-shadow:0 0 0 3px #90caf9}
section.notice{border:1px solid #ddd;border-left:6px solid #9e9e9e;border-radius:.3rem;margin:1rem 0;padding:.5rem 1rem}section.notice h2{margin-top:.2rem;border:0}
.eo{display:grid;grid-template-columns:1fr 1fr;gap:1rem}h4{margin:.3rem 0}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere;max-height:40rem;margin:0}
details.stderr{margin:.2rem 0 .6rem 2rem}details.stderr summary{color:#555;font-family:monospace}details.stderr pre{background:#fff8e1}
.ver{color:#666;font-weight:normal}
`;
