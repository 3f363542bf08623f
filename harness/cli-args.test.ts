/** Property: whatever the arguments, the CLI answers with an exit code and a message — never a throw or a stack trace. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { main } from './cli.js';

const FLAGS = ['--url', '--command', '--protocol-version', '--out', '--scenario', '--suite', '--timeout', '--max-response-bytes', '--startup-timeout', '--concurrency', '--run-timeout', '--baseline', '--coverage', '--list', '--header', '--session-ttl', '--session-samples', '--check-host', '--strict', '--bogus', '-x', '--'];
const VALUES = ['', 'all', '0', '-1', '1e3', 'NaN', 'http://', 'ftp://127.0.0.1/mcp', 'http://[::1', '2099-01-01', '/nonexistent/dir/file.yaml', '{port}', 'x'.repeat(300), '\u0000', '--url'];

describe('CLI arguments (property)', () => {
  it('random argument lists exit 2 (or 0 for --help/--version) with a message, never throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...FLAGS), fc.constantFrom(...VALUES), fc.string({ maxLength: 12 })), { maxLength: 8 }), async (args) => {
        let out = '';
        let err = '';
        // A trailing bad version makes every otherwise-valid list stop before any target starts.
        const code = await main([...args, '--protocol-version', 'not-a-version'], { out: (s) => (out += s), err: (s) => (err += s), color: false });
        expect(code).toBe(2);
        expect(err.length).toBeGreaterThan(0);
        expect(err).not.toMatch(/\n\s+at \S+ \(/);
        void out;
      }),
      { numRuns: 150 },
    );
  });
});
