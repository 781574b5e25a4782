/** Levels in increasing severity; `BASIN_LOG_LEVEL` picks the lowest printed (default `info`). */
export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type Level = (typeof LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

export interface LoggerOptions {
  /** Lowest level printed. Default: BASIN_LOG_LEVEL or "info". */
  level?: Level;
  /** `json` prints one JSON object a line (for log shippers); `text` a readable line. Default: BASIN_LOG_FORMAT or text. */
  format?: 'text' | 'json';
  /** Where lines go. Default: process.stderr, so stdout stays clean for `--json` output. */
  stream?: NodeJS.WritableStream;
}

/** A small structured logger: `name` tags every line (`[api]`, `[runner]`). */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const envLevel = process.env.BASIN_LOG_LEVEL as Level | undefined;
  const min = LEVELS.indexOf(options.level ?? (envLevel && LEVELS.includes(envLevel) ? envLevel : 'info'));
  const format = options.format ?? (process.env.BASIN_LOG_FORMAT === 'json' ? 'json' : 'text');
  const stream = options.stream ?? process.stderr;
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < min) return;
    if (format === 'json') {
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, name, msg, ...fields })}\n`);
      return;
    }
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    const tag = level === 'info' ? '' : `${level.toUpperCase()} `;
    stream.write(`[${name}] ${tag}${msg}${extra}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (sub) => createLogger(`${name}:${sub}`, { ...options, stream }),
  };
}
