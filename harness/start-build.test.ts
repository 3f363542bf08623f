/**
 * `npm start` rebuilds only what changed: its build step (`npm run
 * build:incremental`: `tsc -b` with the build info in `dist/`, then the
 * compiled suite, written only when its inputs changed) run a second time
 * over an unchanged copy of the project emits nothing — the build info, the
 * CLI's output file and the compiled suite keep their modification times —
 * and prints nothing. Structure only, never time.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './model/paths.js';

/** What `tsconfig.json` compiles and the build step reads, copied into a scratch project. */
const COPIED = ['harness', 'reports', 'fixtures', 'bench', 'suites', 'schemas', 'tsconfig.json', 'package.json'];

describe('npm start build step', () => {
  it('a second run over an unchanged project rebuilds nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'msc-start-build-'));
    try {
      for (const p of COPIED) cpSync(join(PACKAGE_ROOT, p), join(root, p), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
      symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      const build = () => execFileSync('npm', ['run', '--silent', 'build:incremental'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const first = build();
      const markers = ['dist/tsconfig.tsbuildinfo', 'dist/harness/cli.js', 'dist/suite.compiled.json'].map((f) => join(root, f));
      expect(markers.filter((f) => !existsSync(f))).toEqual([]);
      expect(first).toMatch(/compiled suite written/);
      const before = markers.map((f) => statSync(f).mtimeMs);
      const second = build();
      expect(second).toBe('');
      expect(markers.map((f) => statSync(f).mtimeMs)).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
