/**
 * The `yaml` module, loaded on first use: a run from the compiled suite
 * (`compiled.ts`) parses no YAML, so it does not pay for loading the parser
 * at start-up (about 30 ms). Synchronous (`createRequire`: the package ships
 * CommonJS for Node), so the loaders stay synchronous.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const load = createRequire(import.meta.url);
let mod: typeof Yaml | undefined;

/** The `yaml` module (loaded once, on the first call). */
export function yaml(): typeof Yaml {
  return (mod ??= load('yaml') as typeof Yaml);
}
