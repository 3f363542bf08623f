/**
 * Bench preload (`node --import dist/bench/peak-rss.js …`): as the process
 * exits, writes its peak resident set size to stderr as `[peak-rss] KIB`
 * (getrusage maxrss, kibibytes on Linux). Loaded into the measured process
 * only; it changes nothing else.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(2, `\n[peak-rss] ${process.resourceUsage().maxRSS}\n`);
  } catch {
    /* stderr closed: nothing to report */
  }
});
