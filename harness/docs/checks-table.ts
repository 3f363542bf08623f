/**
 * The README's checks table, generated from the scenarios so it cannot drift:
 * `node dist/harness/docs/checks-table.js` prints it; a test compares it with the
 * README section between `<!-- checks:begin -->` and `<!-- checks:end -->`.
 */
import type { Scenario } from '../model/scenario.js';
import { loadSuite } from '../load/loader.js';
import { SUITES_DIR } from '../model/paths.js';
import { isEntryModule } from '../util/entry.js';

/** Markdown table: one row per check, with level, requirement IDs, versions and title. */
export function checksTable(scenarios: Scenario[]): string {
  const rows = ['| check | level | requirements | versions | what it checks |', '|---|---|---|---|---|'];
  for (const s of scenarios) {
    for (const c of s.checks) {
      const range = c.versions ?? s.versions;
      const versions = `${range.from ?? ''}…${range.before ? `<${range.before}` : ''}`;
      const level = c.escalate ? `${c.level} (${c.escalate.level} from ${c.escalate.from})` : c.level;
      rows.push(`| \`${s.id}/${c.id}\` | ${level} | ${c.requirements.join(', ')} | ${versions} | ${c.title.replace(/\|/g, '\\|')} |`);
    }
  }
  return rows.join('\n');
}


if (isEntryModule(import.meta.url)) process.stdout.write(`${checksTable(loadSuite(SUITES_DIR))}\n`);
