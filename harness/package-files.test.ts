/**
 * The published package holds what a user runs — the CLI and every module it
 * imports, the reference server (a run without a target needs it), the
 * suites and schemas — and none of the project's test helpers.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PACKAGE_ROOT } from './model/paths.js';

/** Files `npm pack` would publish (paths relative to the package root). */
function packed(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  return new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path));
}

/** Every local module `entry` imports, transitively (static and dynamic `import` of relative specifiers). */
function localImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), m[1]!);
      if (existsSync(target)) queue.push(target);
    }
  }
  return new Set([...seen].map((f) => relative(PACKAGE_ROOT, f)));
}

describe('published package', () => {
  const files = packed();

  it('holds the CLI, the reference servers (HTTP and stdio) and everything they import, and the bundled suites and schemas', () => {
    const needed = new Set(
      ['dist/harness/cli.js', 'dist/harness/api.js', 'dist/harness/vitest.js', 'dist/fixtures/reference-server.js', 'dist/fixtures/stdio-reference-server.js'].flatMap((f) => [
        ...localImports(join(PACKAGE_ROOT, f)),
      ]),
    );
    expect(needed.size).toBeGreaterThan(30);
    expect([...needed].filter((f) => !files.has(f))).toEqual([]);
    expect(files.has('suites/_catalog/requirements.yaml')).toBe(true);
    expect(files.has('schemas/scenario.schema.json')).toBe(true);
  });

  it('holds every entry point package.json names (bin, main, types, each exports target)', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      main: string;
      types: string;
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = [...Object.values(pkg.bin), pkg.main, pkg.types, ...Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))];
    expect(targets.length).toBeGreaterThan(7);
    expect(targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !files.has(t))).toEqual([]);
  });

  it('leaves out test files and test helpers', () => {
    const helpers = ['dist/fixtures/harness-run.js', 'dist/fixtures/real-servers.js', 'dist/fixtures/real-stdio-servers.js', 'dist/fixtures/hostile-server.js', 'dist/fixtures/markup-server.js', 'dist/fixtures/cli-process.js', 'dist/fixtures/minimal-server.js', 'dist/bench/bench.js', 'dist/tsconfig.tsbuildinfo'];
    expect(helpers.filter((f) => files.has(f))).toEqual([]);
    expect([...files].filter((f) => /\.test\.(js|ts)/.test(f))).toEqual([]);
  });
});
