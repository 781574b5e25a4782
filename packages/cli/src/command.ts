/** One `basin` sub-command. Each lives in `commands/<name>.ts` and is listed in `commands/index.ts`. */
export interface Command {
  name: string;
  /** One line for `basin help`. */
  summary: string;
  /** Usage text shown by `basin <name> --help` and on usage errors. */
  usage: string;
  /** Returns the exit code. Throw {@link UsageError} for bad input (exit 2, one line on stderr). */
  run(argv: string[], io: CommandIO): Promise<number>;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM). */
  signal: AbortSignal;
}

/** Bad input from the user: printed as one line, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
