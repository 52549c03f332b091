/** The Logger interface over pino (JSON lines on stdout). */
import { pino } from 'pino';
import type { Logger } from '../shared/logger.js';
import type { LogLevel } from './config.js';

function wrap(base: pino.Logger): Logger {
  return {
    debug: (fields, message) => base.debug(fields, message),
    info: (fields, message) => base.info(fields, message),
    warn: (fields, message) => base.warn(fields, message),
    error: (fields, message) => base.error(fields, message),
    child: (bindings) => wrap(base.child(bindings)),
  };
}

export function createLogger(level: LogLevel): Logger {
  return wrap(pino({ level, base: { service: 'mado' } }));
}
