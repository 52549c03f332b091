/**
 * The agent's logger: one JSON object per line on stderr (systemd's journal keeps it), the same
 * shape as the server's pino lines: `{"level":"info","time":"…","msg":"…",…fields}`.
 */
import type { Logger } from '../shared/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function serializable(value: unknown): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: value.message, stack: value.stack };
  }
  return value;
}

/** A Logger writing JSON lines through `write` (default: stderr). */
export function createJsonLogger(
  level: LogLevel,
  bindings: Record<string, unknown> = {},
  write: (line: string) => void = (line) => process.stderr.write(line),
  now: () => Date = () => new Date(),
): Logger {
  const emit = (messageLevel: Exclude<LogLevel, 'silent'>, fields: Record<string, unknown>, msg: string) => {
    if (RANK[messageLevel] < RANK[level]) {
      return;
    }
    const record: Record<string, unknown> = { level: messageLevel, time: now().toISOString(), ...bindings };
    for (const [key, value] of Object.entries(fields)) {
      record[key] = serializable(value);
    }
    record.msg = msg;
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (fields, msg) => emit('debug', fields, msg),
    info: (fields, msg) => emit('info', fields, msg),
    warn: (fields, msg) => emit('warn', fields, msg),
    error: (fields, msg) => emit('error', fields, msg),
    child: (more) => createJsonLogger(level, { ...bindings, ...more }, write, now),
  };
}
