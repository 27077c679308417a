import { createRequire } from 'node:module';
import pino from 'pino';

/** The structured logger every module takes. Always writes to stderr: stdout may be the MCP stdio channel. */
export type Logger = pino.Logger;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Creates the hub's logger on stderr (fd 2), level from the argument or `TOOLMESH_LOG_LEVEL`: JSON lines,
 * or readable coloured lines when stderr is a terminal (`TOOLMESH_LOG_FORMAT=json|pretty` decides
 * otherwise). Header and env values are redacted wherever they appear in log objects.
 */
export function createLogger(level: LogLevel = envLevel()): Logger {
  const options = {
    name: 'toolmesh',
    level,
    redact: { paths: ['*.headers.*', '*.env.*', 'headers.*', 'env.*'], censor: '[redacted]' },
  };
  if (!prettyWanted()) return pino(options, pino.destination({ fd: 2, sync: false }));
  // Loaded only here (about 10 MB): a hub whose stderr is a pipe never needs it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pino(options, pretty({ destination: 2, colorize: true, ignore: 'pid,hostname,name', sync: true }));
}

/** People read a terminal; programs (and AI hosts capturing stderr) read JSON. */
function prettyWanted(): boolean {
  const format = process.env.TOOLMESH_LOG_FORMAT;
  if (format === 'json' || format === 'pretty') return format === 'pretty';
  return process.stderr.isTTY === true;
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

function envLevel(): LogLevel {
  const value = process.env.TOOLMESH_LOG_LEVEL;
  const levels: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  return levels.includes(value as LogLevel) ? (value as LogLevel) : 'info';
}
