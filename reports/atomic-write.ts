/** Writing a report file so that a reader never sees a partial one. */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` (UTF-8) to `path` through a temporary file beside it
 * (`.<name>.<pid>.<random>.tmp`, created exclusively), renamed into place;
 * the temporary file is removed on failure.
 * @throws the file-system error (EACCES, ENOSPC, ...) of the write or rename
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
