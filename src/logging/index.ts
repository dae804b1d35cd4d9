import { pino, type Logger } from 'pino';
import { MASK } from '../errors/index.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Human-readable output for a terminal instead of JSON lines. */
  pretty?: boolean;
}

/**
 * The root logger. Child loggers carry `connector` and `task` bindings so every line says whose it is.
 * Secrets are masked before they reach a logger (see `maskSecrets` in src/connect-api/secrets.ts), and the
 * redact paths below are a second line of defence for anything that slips through as a config object.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = {
    paths: ['config["database.password"]', 'config["connection.password"]', '*.password', 'password'],
    censor: MASK,
  };
  if (options.pretty) {
    return pino({
      level: options.level ?? 'info',
      redact,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level: options.level ?? 'info', redact });
}
export { scrubbingLogger } from './scrubbing.js';
