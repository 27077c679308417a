/** A logger for tests that keeps what it is given instead of printing it. */
import pino, { type Logger } from 'pino';

/** A pino logger at `warn` whose entries land, parsed, in `entries`. */
export function capturedWarnings<Entry = { msg: string }>(): { logger: Logger; entries: Entry[] } {
  const entries: Entry[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void entries.push(JSON.parse(line)) });
  return { logger, entries };
}
