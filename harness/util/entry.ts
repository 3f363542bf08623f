/** Whether a module is the script Node was started with (`node file.js`), for modules that are both library and command. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when `moduleUrl` (pass `import.meta.url`) is the process's entry script; symlinks (npm bin links) resolved. */
export function isEntryModule(moduleUrl: string): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
