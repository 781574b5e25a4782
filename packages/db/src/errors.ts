/**
 * A problem the person running Basin can fix (bad DATABASE_URL, unreachable server, unwritable BASIN_HOME, port in
 * use). Printed as one line, without a stack trace, and the process exits non-zero.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A migration that cannot be applied; the schema is left as it was before the run. */
export class MigrationError extends Error {
  override name = 'MigrationError';
  constructor(
    message: string,
    readonly version?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
