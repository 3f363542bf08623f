/**
 * Expected-failures files (`--expected-failures FILE`): the shape the
 * official MCP conformance package reads (a YAML mapping with a `server:`
 * list; `client:` belongs to client runs and is ignored here), holding this
 * suite's IDs. Format: `schemas/expected-failures.schema.json`.
 *
 * ```yaml
 * server:
 *   - http.session.delete-terminates                                    # every check of the scenario
 *   - http.session.unknown-id/unknown-session-id-gets-404               # only this check
 * ```
 *
 * The entries become baseline entries (`baseline.ts`) with verdict
 * `failing`, so both files share one implementation: a listed check (or any
 * check of a listed scenario) whose verdict is `fail`, `error` or `blocked`
 * does not gate the exit code; a listed ID whose checks ran and gave none of
 * these is stale (exit 3 when nothing else gates).
 */
import { schemaValidator } from '../model/json-schema.js';
import type { BaselineEntry } from './baseline.js';
import { fail, parseYaml, validate } from './source.js';
import { loadPublished, resolvePublished } from './published.js';

/** The IDs an expected-failures file may name. */
export interface KnownIds {
  /** Fully qualified IDs (`<scenario-id>/<check-slug>`) of every check in the suite. */
  checks: ReadonlySet<string>;
  /** Every scenario ID in the suite. */
  scenarios: ReadonlySet<string>;
}

/**
 * Loads an expected-failures file and converts its `server:` entries to
 * baseline entries `{ check: <id>, verdict: 'failing' }` (no version: they
 * hold at every protocol version), in file order, duplicates dropped. A
 * published check ID that was renamed (an alias in
 * `suites/_catalog/published-checks.yaml`) stands for the check that
 * replaced it. A missing or empty `server:` gives no entries.
 * @param known the suite's check and scenario IDs
 * @param aliases published old ID → new ID (default: the bundled list's)
 * @throws ScenarioError (file:line:col) for an unreadable file, invalid YAML,
 *   an unknown top-level key, an entry that is not a string (with a hint for
 *   the `- scenario: check` mapping a stray space makes), the official
 *   package's `scenario:check` form, and an ID that names no check or scenario
 */
export function loadExpectedFailures(path: string, known: KnownIds, aliases: Record<string, string> = loadPublished().aliases): BaselineEntry[] {
  const p = parseYaml(path, path);
  const server = (p.data as { server?: unknown } | null)?.server;
  if (Array.isArray(server))
    server.forEach((e, i) => {
      if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
        const [k, v] = Object.entries(e)[0] ?? ['', ''];
        fail(p, ['server', i], `entry is a mapping, not an ID: write "${k}/${String(v)}" (a check) or "${k}" (a whole scenario) on one line, without ": "`);
      }
    });
  validate(p, schemaValidator('expected-failures.schema.json'));
  const ids = ((server ?? []) as string[]).map((id, i) => {
    if (known.checks.has(id) || (!id.includes('/') && known.scenarios.has(id))) return id;
    if (!id.includes('/') && id.includes(':')) {
      const alt = id.replace(':', '/');
      const hint = known.checks.has(alt) ? `: write "${alt}"` : '';
      fail(p, ['server', i], `"${id}" uses the official package's scenario:check form; this suite names a check <scenario-id>/<check-slug>${hint}`);
    }
    const now = id.includes('/') ? resolvePublished(id, aliases, known.checks) : undefined;
    if (now === undefined) fail(p, ['server', i], `unknown ${id.includes('/') ? 'check' : 'scenario'} "${id}" (--list shows the known ones)`);
    return now;
  });
  return [...new Set(ids)].map((check) => ({ check, verdict: 'failing' as const }));
}
