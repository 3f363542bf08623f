import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksTable } from './checks-table.js';
import { loadSuite } from '../load/loader.js';
import { PACKAGE_ROOT, SUITES_DIR } from '../model/paths.js';

describe('README checks table', () => {
  it('matches the scenarios (regenerate with npm run gen)', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const m = /<!-- checks:begin -->\n([\s\S]*?)\n<!-- checks:end -->/.exec(readme);
    expect(m, 'README has the checks markers').not.toBeNull();
    expect(m![1]).toBe(checksTable(loadSuite(SUITES_DIR)));
  });
});
