/**
 * `mcp-session-conformance merge A.json B.json … --out DIR`: several runs
 * (typically several servers) side by side, one matrix per protocol version
 * with a row per check and a column per run: `DIR/merged.json` (shape:
 * `schemas/merged.schema.json`) and `DIR/merged.html` (one self-contained
 * file, no script, every string escaped).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from './atomic-write.js';
import type { Level, RunResults, TargetInfo, Verdict } from '../harness/model/results.js';
import { resultStatements, type StatementKind } from '../harness/model/statement.js';
import { displayValue, transportOf, VERDICT_ORDER } from './common.js';
import { escapeHtml } from './html.js';

/** One merged run (a column of the matrix). */
export interface MergedServer {
  /** How the run was named on the command line (its file path). */
  label: string;
  /** `serverInfo.name` and `.version` as display text (`""` when none was seen). */
  serverName: string;
  serverVersion: string;
  target: { kind: TargetInfo['kind']; url: string; transport: TargetInfo['transport']; command?: string };
  suiteVersion: string;
  startedAt: string;
  interrupted: boolean;
  protocolVersions: string[];
  /** The run's result statement per version under test (`harness/model/statement.ts`). */
  statements: Array<{ version: string; kind: StatementKind; text: string }>;
  summary: Record<Verdict, number>;
}

/** One check's results across the runs at one version: `results[i]` belongs to `servers[i]`; `null` where that run has no result for it. */
export interface MergedCheck {
  id: string;
  scenario: string;
  title: string;
  level: Level;
  requirements: string[];
  specUrl: string;
  results: Array<{ verdict: Verdict; reason?: string } | null>;
}

/** The merged document (`merged.json`). */
export interface MergedResults {
  format: 'mcp-session-conformance.merged/1';
  servers: MergedServer[];
  /** Every version any run tested, in first-seen order; checks sorted by ID. */
  versions: Array<{ version: string; checks: MergedCheck[] }>;
}

/** A run to merge and the label it is shown under. */
export interface LabelledRun {
  label: string;
  results: RunResults;
}

/**
 * Merges runs side by side. A check's title, level, requirements and spec
 * URL are taken from the first run that has it. Pure; never throws for
 * well-typed input.
 */
export function mergeResults(runs: LabelledRun[]): MergedResults {
  const servers: MergedServer[] = runs.map(({ label, results: r }) => {
    const t = r.target;
    return {
      label,
      serverName: displayValue(t.serverInfo?.name),
      serverVersion: displayValue(t.serverInfo?.version),
      target: { kind: t.kind, url: t.url, transport: transportOf(t), ...(t.command !== undefined ? { command: t.command } : {}) },
      suiteVersion: r.suiteVersion,
      startedAt: r.startedAt,
      interrupted: r.interrupted,
      protocolVersions: [...r.protocolVersions],
      statements: resultStatements(r).map((s) => ({ version: s.version, kind: s.kind, text: s.text })),
      summary: { ...r.summary },
    };
  });
  const versions = [...new Set(runs.flatMap((x) => x.results.protocolVersions))];
  return {
    format: 'mcp-session-conformance.merged/1',
    servers,
    versions: versions.map((version) => {
      const rows = new Map<string, MergedCheck>();
      runs.forEach(({ results: r }, i) => {
        for (const c of r.checks) {
          if (c.protocolVersion !== version) continue;
          let row = rows.get(c.id);
          if (!row) {
            row = { id: c.id, scenario: c.scenario, title: c.title, level: c.level, requirements: [...c.requirements], specUrl: c.specUrl, results: runs.map(() => null) };
            rows.set(c.id, row);
          }
          row.results[i] = { verdict: c.verdict, ...(c.reason !== undefined ? { reason: c.reason } : {}) };
        }
      });
      return { version, checks: [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    }),
  };
}

/** `merged.json`: the document as pretty-printed JSON with a trailing newline. */
export function renderMergedJson(m: MergedResults): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
thead th{background:#f2f2f2;position:sticky;top:0}
td.v{text-align:center;white-space:nowrap}
.pass{background:#e3f4e3}.fail{background:#f8d4d4}.error{background:#f9e0c0}.warn{background:#fcf3c2}
.blocked,.skipped{background:#eee}.not-applicable{color:#777}.info{background:#e4ecf7}.none{color:#aaa}
.conformant{color:#1f6f1f}.failures{color:#a30000}.inconclusive{color:#8a5a00}.not-supported{color:#555}
code{font-size:92%}
@media print{thead th{position:static}}
`;

/**
 * `merged.html`: one self-contained page (inline style, no script, no
 * external resource; a Content-Security-Policy meta tag forbids both): the
 * runs (label, `serverInfo`, target, transport, suite version, date, result
 * statement per version, verdict counts), then per version a matrix of
 * check × run, each cell the verdict (and reason as its title), rows grouped
 * by scenario in ID order. Every string from the runs or labels is escaped.
 */
export function renderMergedHtml(m: MergedResults): string {
  const e = escapeHtml;
  const serverName = (s: MergedServer) => `${s.serverName} ${s.serverVersion}`.trim() || '(no serverInfo)';
  const runsTable = [
    '<table><thead><tr><th>#</th><th>Run</th><th>Server</th><th>Target</th><th>Suite</th><th>Date</th><th>Result</th><th>Counts</th></tr></thead><tbody>',
    ...m.servers.map((s, i) => {
      const statements = s.statements.map((st) => `<div class="${e(st.kind)}">${e(st.text)}</div>`).join('');
      const counts = VERDICT_ORDER.filter((v) => s.summary[v] > 0)
        .map((v) => `${e(v)} ${s.summary[v]}`)
        .join(', ');
      const target = s.target.transport === 'stdio' ? `stdio: ${s.target.command ?? ''}` : s.target.url;
      return `<tr><td>${i + 1}</td><td>${e(s.label)}</td><td>${e(serverName(s))}</td><td>${e(target)}</td><td>${e(s.suiteVersion)}</td><td>${e(s.startedAt)}${s.interrupted ? ' (interrupted)' : ''}</td><td>${statements || '—'}</td><td>${counts}</td></tr>`;
    }),
    '</tbody></table>',
  ].join('\n');
  const head = m.servers.map((s, i) => `<th title="${e(s.label)}">${i + 1}. ${e(serverName(s))}</th>`).join('');
  const matrices = m.versions.map(({ version, checks }) => {
    const rows = checks.map((c) => {
      const cells = c.results
        .map((r) => (r ? `<td class="v ${e(r.verdict)}"${r.reason ? ` title="${e(r.reason)}"` : ''}>${e(r.verdict)}</td>` : '<td class="v none">—</td>'))
        .join('');
      return `<tr><td><code>${e(c.id)}</code><br>${e(c.title)}</td><td>${e(c.level)}</td>${cells}</tr>`;
    });
    return [`<h2>${e(version)}</h2>`, `<table><thead><tr><th>Check</th><th>Level</th>${head}</tr></thead><tbody>`, ...rows, '</tbody></table>'].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>mcp-session-conformance: ${m.servers.length} runs side by side</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>mcp-session-conformance: ${m.servers.length} runs side by side</h1>`,
    runsTable,
    ...matrices,
    '</body></html>',
    '',
  ].join('\n');
}

/** Paths {@link writeMergedReports} wrote. */
export interface MergedPaths {
  json: string;
  html: string;
}

/**
 * Writes `merged.json` and `merged.html` of `m` into `outDir` (created
 * recursively if missing), replacing existing files. Both are rendered
 * first; each is written to a temporary name in `outDir` and renamed into
 * place, so a reader never sees a partial file.
 * @throws the file-system error (EACCES, ENOSPC, ...) of mkdir, write or
 *   rename; a temporary file is removed on failure
 */
export async function writeMergedReports(m: MergedResults, outDir: string): Promise<MergedPaths> {
  const files: Array<[keyof MergedPaths, string, string]> = [
    ['json', 'merged.json', renderMergedJson(m)],
    ['html', 'merged.html', renderMergedHtml(m)],
  ];
  await mkdir(outDir, { recursive: true });
  const paths = {} as MergedPaths;
  for (const [key, name, text] of files) {
    const path = join(outDir, name);
    await writeAtomically(path, text);
    paths[key] = path;
  }
  return paths;
}
