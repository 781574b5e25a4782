import { createLogger, type Logger } from './logger';

/** A running service: what `main` returns so shutdown can stop it. */
export interface Running {
  stop(): Promise<void>;
}

/** Errors whose message is for the person at the terminal: printed as one line, no stack. */
export function isUserFacing(err: unknown): err is Error {
  return err instanceof Error && ['ConfigError', 'UsageError', 'MigrationError'].includes(err.name);
}

/**
 * Runs a service process: starts it, stops it cleanly on SIGINT/SIGTERM (a second signal forces exit), exits
 * when the supervising `basin start` disappears (so a killed supervisor never leaves orphans), and turns
 * configuration errors into one line and exit code 2.
 */
export async function runService(name: string, start: (log: Logger) => Promise<Running>): Promise<void> {
  const log = createLogger(name);
  let running: Running | null = null;
  let stopping = false;
  const stop = async (why: string, code = 0) => {
    if (stopping) {
      log.warn('second stop request: exiting now');
      process.exit(code || 1);
    }
    stopping = true;
    log.info(`stopping (${why})`);
    const force = setTimeout(() => {
      log.error('did not stop within 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      await running?.stop();
    } catch (err) {
      log.error(`error while stopping: ${(err as Error).message}`);
      code = 1;
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  watchSupervisor(() => void stop('supervisor exited'));
  try {
    running = await start(log);
  } catch (err) {
    if (isUserFacing(err)) {
      log.error(err.message);
      process.exit(2);
    }
    log.error(`failed to start: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  }
}

/** When `basin start` launched this process (BASIN_SUPERVISOR_PID), exit once that pid is gone. */
export function watchSupervisor(onGone: () => void): void {
  const pid = Number(process.env.BASIN_SUPERVISOR_PID);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
}
