/**
 * Published check IDs: `suites/_catalog/published-checks.yaml` (format
 * `schemas/published-checks.schema.json`) lists every fully qualified check
 * ID the suite has published, with `aliases` (old ID → new ID) for checks
 * that were renamed. Users' baselines and tooling name checks by these IDs,
 * so a published ID must keep naming a check, directly or through its alias;
 * `npm run gen` publishes newly declared checks by appending them.
 */
import { join } from 'node:path';
import { schemaValidator } from '../model/json-schema.js';
import { yaml } from './yaml-lazy.js';
import { fail, parseYaml, validate } from './source.js';
import { SUITES_DIR } from '../model/paths.js';

/** The bundled list. */
export const PUBLISHED_PATH = join(SUITES_DIR, '_catalog', 'published-checks.yaml');

/** A published-checks file after validation. */
export interface PublishedChecks {
  /** Every published ID, in publication order. */
  checks: string[];
  /** Old ID → the ID that replaced it. */
  aliases: Record<string, string>;
}

/**
 * Loads and validates a published-checks file.
 * @throws ScenarioError (file:line:col) for invalid YAML, a schema error, or an alias whose old ID is not published
 */
export function loadPublished(path: string = PUBLISHED_PATH): PublishedChecks {
  const p = parseYaml(path, path);
  validate(p, schemaValidator('published-checks.schema.json'));
  const data = p.data as { checks: string[]; aliases?: Record<string, string> | null };
  const listed = new Set(data.checks);
  const aliases = data.aliases ?? {};
  for (const old of Object.keys(aliases))
    if (!listed.has(old)) fail(p, ['aliases', old], `alias for "${old}", which is not a published check (only published IDs need aliases)`, true);
  return { checks: data.checks, aliases };
}

/**
 * The current ID a published one stands for: itself when it names a current
 * check, else where its alias chain ends (undefined when the chain ends
 * nowhere current, or loops).
 */
export function resolvePublished(id: string, aliases: Record<string, string>, current: ReadonlySet<string>): string | undefined {
  const seen = new Set<string>();
  let at: string | undefined = id;
  while (at !== undefined && !current.has(at)) {
    if (seen.has(at)) return undefined;
    seen.add(at);
    at = Object.hasOwn(aliases, at) ? aliases[at] : undefined;
  }
  return at;
}

/**
 * What is wrong between the published list and the checks the suite now
 * declares: a published ID that names no current check and has no alias
 * leading to one; an alias for an ID that is still a check (the alias would
 * hide it); a declared check not yet published (`npm run gen` appends it).
 * @param current fully qualified IDs of every declared check
 * @returns one sentence per problem (empty when consistent)
 */
export function publishedProblems(published: PublishedChecks, current: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const listed = new Set(published.checks);
  for (const id of published.checks) {
    if (current.has(id)) {
      if (Object.hasOwn(published.aliases, id)) problems.push(`${id} is still a check but has an alias (to ${published.aliases[id]}): remove the alias`);
      continue;
    }
    if (!Object.hasOwn(published.aliases, id)) problems.push(`${id} was published but is no longer a check: add an alias "${id}: <new-id>" under aliases`);
    else if (resolvePublished(id, published.aliases, current) === undefined)
      problems.push(`${id} is aliased to ${published.aliases[id]}, which leads to no current check`);
  }
  for (const id of current) if (!listed.has(id)) problems.push(`${id} is declared but not published: run npm run gen`);
  return problems;
}

/**
 * The published-checks file text with every declared check not yet listed
 * appended to `checks` (in the order given), comments and layout kept.
 * @param text the file's current text
 * @param current fully qualified IDs of every declared check, in suite order
 * @throws Error when `checks` is not a list
 */
export function withNewChecksPublished(text: string, current: readonly string[]): string {
  const doc = yaml().parseDocument(text);
  const seq = doc.get('checks', true);
  if (!yaml().isSeq(seq)) throw new Error('published-checks.yaml: "checks" is not a list');
  const listed = new Set(seq.items.map((n) => String((n as { value?: unknown }).value ?? n)));
  const fresh = current.filter((id) => !listed.has(id));
  if (!fresh.length) return text;
  seq.flow = false;
  for (const id of fresh) seq.add(doc.createNode(id));
  return doc.toString({ lineWidth: 0 });
}
