import pino from 'pino';

/** The structured logger every module takes. Always writes to stderr: stdout may be the MCP stdio channel. */
export type Logger = pino.Logger;

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/**
 * Creates the hub's logger: JSON lines on stderr (fd 2), level from the argument or `TOOLMESH_LOG_LEVEL`.
 * Header and env values are redacted wherever they appear in log objects.
 */
export function createLogger(level: LogLevel = envLevel()): Logger {
  return pino(
    {
      name: 'toolmesh',
      level,
      redact: { paths: ['*.headers.*', '*.env.*', 'headers.*', 'env.*'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
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
