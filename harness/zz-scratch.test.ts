import { it } from 'vitest';
import { join } from 'node:path';
import { loadScenario, loadRequirementIds } from './loader.js';
import { SUITES_DIR } from './paths.js';
import { parseDocument } from 'yaml';

const ids = loadRequirementIds(join(SUITES_DIR, '_catalog', 'requirements.yaml'));
const P = join(SUITES_DIR, '__test__', 'x.yaml');
function tryLoad(name: string, text: string) {
  try { loadScenario(P, SUITES_DIR, ids, undefined, text); console.log(name, 'LOADED'); }
  catch (e) { console.log(name, (e as Error).constructor.name, String((e as Error).message)); }
}
it('scratch', () => {
  tryLoad('empty', '');
  tryLoad('alias-undef', 'a: *x\n');
  tryLoad('star', '*');
  tryLoad('laughs', 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n');
  tryLoad('unclosed', 'id: a.b\nversions: { from: "2025-03-26"\ntitle: x\n');
  tryLoad('badindent', 'id: a.b\ntitle: x\n  bad: 1\n');
  tryLoad('badindent2', 'id: a.b\nchecks:\n  - id: x\n   title: y\n');
  tryLoad('dup', 'id: a.b\ntitle: x\nid: c.d\n');
  tryLoad('deep', '['.repeat(20000) + ']'.repeat(20000));
  tryLoad('deepmap', Array.from({length: 5000}, (_, i) => ' '.repeat(i) + 'a:').join('\n'));
  tryLoad('proto', '__proto__: 1\n');
  tryLoad('tab', 'id:\ta.b\n\tx: 1\n');
  tryLoad('multi', 'a: 1\n---\nb: 2\n');
  tryLoad('bom', '\uFEFFid: a\n');
  tryLoad('nul', 'id: a\u0000\n');
  tryLoad('tag', 'a: !!binary xyz\n');
  tryLoad('tag2', 'a: !!timestamp 2020-01-01\n');
  tryLoad('tag3', 'a: !unknown x\n');
  tryLoad('set', 'a: !!set { x }\n');
  tryLoad('merge', 'a: &a {x: 1}\nb: { <<: *a }\n');
  tryLoad('complexkey', '? [a]\n: 1\n');
  tryLoad('bigint', 'a: 0x' + 'f'.repeat(50) + '\n');
  console.log(JSON.stringify(parseDocument('{"__proto__": {"a": 1}}').toJS()), Object.keys(parseDocument('{"__proto__": {"a": 1}}').toJS()));
});
