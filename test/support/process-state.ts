import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a running process. A zombie counts as gone: it was killed and only waits to be reaped,
 * and orphans are re-parented to PID 1, which in some containers never reaps them.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain spaces or parentheses.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
