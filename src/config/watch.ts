/** Watching the config file for edits (hot reload). */
import { watch } from 'chokidar';

export interface FileWatch {
  close(): Promise<void>;
}

/** Quiet period after the last event before a change is reported: editors write a file in several steps. */
export const WATCH_DEBOUNCE_MS = 300;

/**
 * Calls `onChange` once after each burst of edits to `file`. chokidar (not `fs.watch`) because editors
 * save by writing a temp file and renaming it over the original, which ends an `fs.watch` on the file;
 * chokidar follows the path across that and reports it as one change.
 */
export function watchFile(file: string, onChange: () => void, debounceMs = WATCH_DEBOUNCE_MS): FileWatch {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(file, { ignoreInitial: true });
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  // `unlink` alone is not a change: a save by rename is followed by `add`, and a deleted file keeps the
  // last good config.
  watcher.on('change', changed).on('add', changed);
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
