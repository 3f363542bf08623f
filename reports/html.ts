/**
 * `report.html`: one self-contained page for people to read and hand over
 * (inline CSS and one fixed inline script, no external resources; the only
 * outbound links are spec links). It opens on the result statement per
 * protocol version (harness/model/statement.ts), then the failures and
 * warnings, the requirement matrix, the other checks and the scenario runs.
 *
 * Safety: every string from the results is escaped with {@link escapeHtml};
 * the filter script is a constant of this module that reads only `data-*`
 * attributes and checkbox values the renderer wrote from closed vocabularies
 * (verdicts, levels, areas of the shape `[a-z][a-z0-9-]*`), never target
 * data. A Content-Security-Policy meta tag (`default-src 'none'`) pins the
 * script and the style sheet by their SHA-256 hashes, as a second line of
 * defence: injected markup could neither run script nor load anything.
 */
import { createHash } from 'node:crypto';
import type { CheckResult, Level, RunResults, Verdict } from '../harness/model/results.js';
import { resultStatements, type ResultStatement } from '../harness/model/statement.js';
import { displayValue, LEVEL_ORDER, seconds, transcriptSlice, transportOf, VERDICT_ORDER, worstVerdict } from './common.js';
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

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** SHA-256 (lower-case hex) of the `results.json` text written beside the report; shown in the header. Absent: the header says it was not computed. */
  resultsSha256?: string;
}

/** Verdicts that need a reader's attention: their sections come first, under "Failures and warnings". */
const ATTENTION: readonly Verdict[] = ['fail', 'error', 'blocked', 'warn', 'skipped'];
/** Display order of the check sections: attention verdicts worst first, then the rest. */
const DISPLAY_ORDER: readonly Verdict[] = [...ATTENTION, 'info', 'pass', 'not-applicable'];

/**
 * The area of a check: the first dot-separated segment of its ID
 * (`lifecycle.initialize.ordering/…` → `lifecycle`), or `other` when that
 * segment is not of the shape `[a-z][a-z0-9-]*` (so the filter vocabulary
 * stays closed whatever a custom suite names its scenarios).
 */
export function areaOf(checkId: string): string {
  const first = checkId.split(/[./]/, 1)[0] ?? '';
  return /^[a-z][a-z0-9-]{0,40}$/.test(first) ? first : 'other';
}

/** A verdict from the closed list, or `error` for anything else a hand-edited document may hold. */
function knownVerdict(v: string): Verdict {
  return (VERDICT_ORDER as readonly string[]).includes(v) ? (v as Verdict) : 'error';
}

/** A level from the closed list, or `INFO` for anything else. */
function knownLevel(l: string): Level {
  return (LEVEL_ORDER as readonly string[]).includes(l) ? (l as Level) : 'INFO';
}

/** `'sha256-<base64>'` of `text` (UTF-8), as a CSP source expression. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Renders the run as one self-contained HTML document:
 * - header: the result statement per protocol version (one
 *   `<li class="statement" data-kind data-version>` each, its text from
 *   {@link resultStatements}), then server (`serverInfo`), transport, era
 *   (with the versions each path reports), suite version, date, the SHA-256
 *   of `results.json` (`opts.resultsSha256`), target (for stdio the command,
 *   its working directory and the names of the `--env` variables, never
 *   their values), protocol versions, duration, interruption, run options,
 *   and the verdict counts (`<span data-count="<verdict>">`);
 * - filters by verdict, level and area (hidden until the script runs, and
 *   in print);
 * - "Failures and warnings": one `<section id="<check id>@<version>"
 *   class="check" data-verdict data-level data-area>` per check that is
 *   fail, error, blocked, warn or skipped, worst first;
 * - the requirement matrix: each requirement cited (`<tr id="req-<ID>">`),
 *   with the catalog's level and title when `results.requirements` has them,
 *   the checks citing it (their titles, linking to their sections) and its
 *   worst verdict per version;
 * - the other checks (info, pass, not-applicable), the scenario runs and the
 *   target's captured stdout/stderr.
 * Each check section holds verdict, level, requirements (each linking to its
 * matrix row), reason, expected vs
 * observed, spec link and its transcript slice folded in a `<details>` (a
 * slice equal to one already shown for the same scenario run links to it
 * instead). Checks at a revision the server does not negotiate get one
 * notice per revision instead of sections. Spec links are emitted only for
 * `http(s)` URLs. Never throws for a well-typed `results`.
 */
export function renderHtml(results: RunResults, opts: HtmlOptions = {}): string {
  const t = results.target;
  const stdio = transportOf(t) === 'stdio';
  const server = t.serverInfo ? `${displayValue(t.serverInfo.name)} ${displayValue(t.serverInfo.version)}`.trim() : '';
  const row = (k: string, v: string | undefined): Array<[string, string]> => (v === undefined ? [] : [[k, v]]);
  const meta: Array<[string, string]> = [
    ['Server', server || '(no serverInfo seen)'],
    ['Transport', stdio ? 'stdio (the server runs as a subprocess; one process per session)' : 'streamable-http'],
    ...row('Era', eraText(results)),
    ['Suite version', results.suiteVersion],
    ['Date', results.startedAt],
    ['SHA-256 of results.json', opts.resultsSha256 ?? '(not computed)'],
    ...(stdio ? [] : row('Target', t.url)),
    ...row('Command', t.command),
    ...row('Working directory', t.cwd),
    ...row('Environment', t.env?.length ? `${t.env.join(', ')} (names only; values are not recorded)` : undefined),
    ['Protocol versions', results.protocolVersions.join(', ')],
    ...(results.discovery ? [['Server negotiates', results.discovery.negotiated.join(', ') || 'no session-era revision'] as [string, string]] : []),
    ['Duration', `${seconds(results.durationMs)} s`],
    ['Interrupted', results.interrupted ? 'yes — results are incomplete' : 'no'],
    ['Run options', runOptions(results.options, stdio)],
  ];
  const shown = results.checks.filter((c) => c.reason !== NOT_NEGOTIATED);
  const rank = (c: CheckResult) => DISPLAY_ORDER.indexOf(knownVerdict(c.verdict));
  const ordered = shown.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  const attention = ordered.filter((c) => ATTENTION.includes(knownVerdict(c.verdict)));
  const rest = ordered.filter((c) => !ATTENTION.includes(knownVerdict(c.verdict)));
  const firstOfSlice = new Map<string, CheckResult>();
  const sections = (list: CheckResult[]) => list.map((c) => checkSection(results, c, firstOfSlice)).join('\n');
  const attentionHtml = sections(attention);
  const restHtml = sections(rest);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>MCP session conformance — ${escapeHtml(stdio ? `stdio: ${t.command ?? ''}` : t.url)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>MCP session conformance report</h1>
${statementList(resultStatements(results))}
<dl class="meta">
${meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n')}
</dl>
<p class="counts">${VERDICT_ORDER.map((v) => `${badge(v)} <span data-count="${v}">${results.summary[v] ?? 0}</span>`).join(' ')}</p>
</header>
${filters(shown)}
<main>
${notNegotiated(results)}
<h2 id="attention">Failures and warnings</h2>
${attention.length ? attentionHtml : '<p class="none-left">None: no check is fail, error, blocked, warn or skipped.</p>'}
${matrix(results)}
<h2 id="other-checks">Other checks</h2>
${restHtml}
${scenarioTable(results)}
${targetOutput(results)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The era line: era, the versions each path reports, and what server/discover was answered with; undefined before era detection existed. */
function eraText(results: RunResults): string | undefined {
  const e = results.discovery?.era;
  if (!e) return undefined;
  const paths = [
    `initialize negotiates ${e.sessionVersions.length ? e.sessionVersions.join(', ') : 'no session-era revision'}`,
    `server/discover ${e.statelessVersions.length ? `lists ${e.statelessVersions.join(', ')}` : `answered ${e.discover}`}`,
  ];
  return `${e.era} (${paths.join('; ')})${e.error ? `; ${e.error}` : ''}`;
}

/** The result statements as a list at the top of the page. */
function statementList(statements: ResultStatement[]): string {
  const items = statements.map((s) => {
    const counts = s.kind === 'not-supported'
      ? 'its checks are not-applicable; only version negotiation judges it'
      : `${s.mustPassed} MUST checks passed, ${s.mustFailures} failed, ${s.inconclusive} not decided; ${s.shouldWarnings} SHOULD warnings` +
        (s.mustWarnings ? `, ${s.mustWarnings} tolerated MUST warnings` : '') +
        (s.baselined ? `; ${s.baselined} checks left out as the baseline expected` : '');
    return `<li class="statement st-${s.kind}" data-kind="${s.kind}" data-version="${escapeHtml(s.version)}"><strong>${escapeHtml(s.text)}</strong> <span class="st-counts">${escapeHtml(counts)}</span></li>`;
  });
  return `<ul class="statements" aria-label="Result">
${items.join('\n')}
</ul>`;
}

/**
 * The filter form: one checkbox per verdict, level and area present among
 * the shown checks (all checked). Rendered `hidden`; the script reveals it,
 * so a page without script shows no dead controls.
 */
function filters(shown: CheckResult[]): string {
  const verdicts = VERDICT_ORDER.filter((v) => shown.some((c) => knownVerdict(c.verdict) === v));
  const levels = LEVEL_ORDER.filter((l) => shown.some((c) => knownLevel(c.level) === l));
  const areas = [...new Set(shown.map((c) => areaOf(c.id)))].sort();
  const group = (name: string, values: readonly string[]) =>
    `<fieldset><legend>${name}</legend>${values
      .map((v) => `<label><input type="checkbox" data-filter="${name.toLowerCase()}" value="${escapeHtml(v)}" checked> ${escapeHtml(v)}</label>`)
      .join(' ')}</fieldset>`;
  return `<nav id="filters" hidden aria-label="Filters">
${group('Verdict', verdicts)}
${group('Level', levels)}
${group('Area', areas)}
<p><span id="shown-count">${shown.length}</span> of ${shown.length} checks shown</p>
</nav>`;
}

/** Anchor ID of a check result's section: `<check id>@<protocolVersion>` (escape before use). */
function anchor(c: CheckResult): string {
  return `${c.id}@${c.protocolVersion}`;
}

function badge(v: Verdict, href?: string): string {
  const tag = href ? 'a' : 'span';
  const extra = href ? ` href="#${escapeHtml(href)}"` : '';
  return `<${tag} class="badge v-${knownVerdict(v)}"${extra}>${escapeHtml(v)}</${tag}>`;
}

/**
 * Requirement × version matrix: per requirement cited, its ID with the
 * catalog's level under it and the catalog's title (a Title column only when
 * the results carry `requirements`; a requirement the catalog lacks shows
 * neither), the checks citing it (their titles, each linking to its section
 * at the version of its worst verdict) and per version the worst verdict
 * linking to the check that gave it. Each row is `<tr id="req-<ID>">`.
 */
function matrix(results: RunResults): string {
  const info = results.requirements;
  const reqs = [...new Set(results.checks.flatMap((c) => c.requirements))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const rows = reqs.map((req) => {
    const citing = results.checks.filter((c) => c.requirements.includes(req));
    const cells = results.protocolVersions.map((ver) => {
      const here = citing.filter((c) => c.protocolVersion === ver);
      const worst = worstVerdict(here.map((c) => c.verdict));
      const at = here.find((c) => c.verdict === worst);
      if (!worst || !at) return '<td class="none">—</td>';
      // Checks at a revision the server does not negotiate have no section of their own: the notice explains them once.
      return `<td>${badge(worst, at.reason === NOT_NEGOTIATED ? `not-negotiated-${ver}` : anchor(at))}</td>`;
    });
    const checks = [...new Set(citing.map((c) => c.id))].map((id) => {
      const mine = citing.filter((c) => c.id === id && c.reason !== NOT_NEGOTIATED);
      const worst = worstVerdict(mine.map((c) => c.verdict));
      const at = mine.find((c) => c.verdict === worst);
      const title = (at ?? citing.find((c) => c.id === id))!.title;
      return at ? `<a href="#${escapeHtml(anchor(at))}">${escapeHtml(title)}</a>` : escapeHtml(title);
    });
    const r = info && Object.hasOwn(info, req) ? info[req] : undefined;
    const level = r?.level ? ` <span class="req-level">${escapeHtml(r.level)}</span>` : '';
    const title = !info ? '' : r?.title ? `<td class="req-title">${escapeHtml(r.title)}</td>` : '<td class="none">—</td>';
    return `<tr id="req-${escapeHtml(req)}"><th scope="row">${escapeHtml(req)}${level}</th>${title}<td class="req-checks">${checks.join('<br>')}</td>${cells.join('')}</tr>`;
  });
  return `<h2 id="matrix">Requirement matrix</h2>
<table class="matrix">
<thead><tr><th>Requirement</th>${info ? '<th>Title</th>' : ''}<th>Checks citing it</th>${results.protocolVersions.map((v) => `<th>${escapeHtml(v)}</th>`).join('')}</tr></thead>
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

/**
 * One check's section. `firstOfSlice` maps `<scenario run>|<seqs>` to the
 * check whose section already shows that transcript slice: a later check with
 * the same slice links to it instead of repeating it (the report stays small).
 */
function checkSection(results: RunResults, c: CheckResult, firstOfSlice: Map<string, CheckResult>): string {
  const { exchanges, seqs } = transcriptSlice(results, c);
  const key = `${c.transcript.scenarioRun}|${seqs.join(',')}`;
  const first = seqs.length > 0 ? firstOfSlice.get(key) : undefined;
  if (seqs.length > 0 && !first) firstOfSlice.set(key, c);
  const n = `${seqs.length} exchange${seqs.length === 1 ? '' : 's'}`;
  const transcript = first
    ? `<p class="same">Transcript: the same ${n} as <a href="#${escapeHtml(anchor(first))}">${escapeHtml(anchor(first))}</a></p>`
    : `<details><summary>Transcript (${n})</summary>${transcriptHtml(seqs.length > 0 ? transcriptBlocks(exchanges, { seqs }) : [])}</details>`;
  const spec = /^https?:\/\//i.test(c.specUrl)
    ? `<a href="${escapeHtml(c.specUrl)}" rel="noreferrer">${escapeHtml(c.spec || c.specUrl)}</a>`
    : escapeHtml(c.specUrl);
  const verdict = knownVerdict(c.verdict);
  return `<section id="${escapeHtml(anchor(c))}" class="check v-${verdict}" data-verdict="${verdict}" data-level="${knownLevel(c.level)}" data-area="${areaOf(c.id)}">
<h3>${badge(c.verdict)} <code>${escapeHtml(c.id)}</code> <span class="ver">@${escapeHtml(c.protocolVersion)}</span></h3>
<p class="title">${escapeHtml(c.title)}</p>
<dl>
<dt>Level</dt><dd>${escapeHtml(c.level)}</dd>
<dt>Requirements</dt><dd>${c.requirements.map((r) => `<a href="#req-${escapeHtml(r)}"><code>${escapeHtml(r)}</code></a>`).join(', ')}</dd>
${c.reason ? `<dt>Reason</dt><dd><code>${escapeHtml(c.reason)}</code></dd>` : ''}${c.baseline === 'expected' ? '<dt>Baseline</dt><dd>expected (does not gate)</dd>' : ''}
<dt>Spec</dt><dd>${spec}</dd>
</dl>
<div class="eo">
<div><h4>Expected</h4><pre>${escapeHtml(c.expected ?? '(unspecified)')}</pre></div>
<div><h4>Observed</h4><pre>${escapeHtml(c.observed ?? '(unspecified)')}</pre></div>
</div>
${transcript}
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

/**
 * The filter script: reveals the filter form and, on every change, hides each
 * check section whose verdict, level or area box is unchecked, and updates
 * the shown count. It reads only `data-*` attributes and checkbox values the
 * renderer wrote; before printing it opens every `<details>` (restored after).
 */
const SCRIPT = `(function(){
var nav=document.getElementById('filters');if(!nav)return;nav.hidden=false;
var boxes=nav.querySelectorAll('input[data-filter]');
var sections=document.querySelectorAll('section.check');
function apply(){var off={},shown=0;
for(var i=0;i<boxes.length;i++){if(!boxes[i].checked)off[boxes[i].getAttribute('data-filter')+':'+boxes[i].value]=1;}
for(var j=0;j<sections.length;j++){var s=sections[j];
var hide=!!(off['verdict:'+s.getAttribute('data-verdict')]||off['level:'+s.getAttribute('data-level')]||off['area:'+s.getAttribute('data-area')]);
s.hidden=hide;if(!hide)shown++;}
document.getElementById('shown-count').textContent=String(shown);}
nav.addEventListener('change',apply);
var closed=[];
window.addEventListener('beforeprint',function(){closed=[].filter.call(document.querySelectorAll('details'),function(d){return !d.open;});closed.forEach(function(d){d.open=true;});});
window.addEventListener('afterprint',function(){closed.forEach(function(d){d.open=false;});closed=[];});
})();`;

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}h3{margin:.2rem 0;font-size:1.05rem}
ul.statements{list-style:none;padding:0;margin:.5rem 0 1rem}
li.statement{border-left:8px solid #9e9e9e;background:#f6f8fa;padding:.4rem .8rem;margin:.3rem 0;font-size:1.15rem}
li.st-conformant{border-left-color:#2e7d32}li.st-failures{border-left-color:#c62828}li.st-inconclusive{border-left-color:#6a1b9a}
.st-counts{display:block;font-size:.8rem;color:#555}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.check dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}
#filters{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.3rem 0;z-index:1}
#filters fieldset{display:inline-block;border:1px solid #ddd;margin:.1rem;padding:.1rem .5rem}#filters legend{font-weight:600}#filters p{margin:.2rem 0}
[hidden]{display:none!important}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}td.num{text-align:right}td.none{color:#aaa;text-align:center}
td.req-checks{font-size:.9em}.req-level{display:block;font-weight:normal;font-size:.8em;color:#555}
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
p.same{color:#555;margin:.3rem 0}
.ver{color:#666;font-weight:normal}
@media print{
#filters{display:none!important}
body{max-width:none;padding:0;font-size:11px}
section.check,li.statement,tr{break-inside:avoid}
section.check[hidden]{display:block!important}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none}
pre{max-height:none;overflow:visible}
a{color:inherit;text-decoration:none}
.badge,li.statement,pre{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
`;

/** The page's Content-Security-Policy: nothing loads; only this module's style sheet and script, pinned by hash. */
const CSP = `default-src 'none'; style-src ${cspHash(CSS)}; script-src ${cspHash(SCRIPT)}; base-uri 'none'; form-action 'none'`;
