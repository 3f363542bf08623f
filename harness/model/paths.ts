/** Locations inside the installed package, valid from `harness/` sources and from `dist/harness/`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'mcp-session-conformance') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`package root of mcp-session-conformance not found above ${start}`);
    dir = up;
  }
}

/** Absolute path of the package root (the folder holding package.json). */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Default suite folder (`suites/`). */
export const SUITES_DIR = join(PACKAGE_ROOT, 'suites');

/** Folder of the project's JSON Schemas (`schemas/`). */
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas');

/** The package version from package.json, reported as `suiteVersion`. */
export const SUITE_VERSION: string = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;

/** Compiled entry of the bundled reference server (exists after `npm run build`). */
export const REFERENCE_SERVER_JS = resolve(PACKAGE_ROOT, 'dist/fixtures/reference-server.js');
