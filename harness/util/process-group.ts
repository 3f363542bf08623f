/**
 * Process groups the harness started (command targets, stdio servers):
 * whether one still has a live member.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * True while the process group `pgid` has a member that is not a zombie. On
 * Linux this reads `/proc` (a zombie orphan waits for init to reap it and
 * would otherwise look alive); elsewhere it asks with signal 0.
 */
export function groupAlive(pgid: number): boolean {
  if (process.platform === 'linux' && existsSync('/proc/self/stat')) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the parenthesised command: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid && rest[0] !== 'Z' && rest[0] !== 'X') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
