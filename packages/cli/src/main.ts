import { isUserFacing } from '@basin/service';
import { type CommandIO, UsageError } from './command';
import { commands } from './commands/index';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: basin <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'basin <command> --help' for a command's options.\n`;
}

/** Entry point of the `basin` bin; returns the process exit code. */
export async function main(argv: string[], io?: Partial<CommandIO>): Promise<number> {
  const controller = new AbortController();
  if (!io?.signal) {
    // First Ctrl-C asks the command to stop cleanly; a second one exits at once.
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const full: CommandIO = {
    stdout: io?.stdout ?? process.stdout,
    stderr: io?.stderr ?? process.stderr,
    env: io?.env ?? process.env,
    signal: io?.signal ?? controller.signal,
  };
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    full.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    full.stderr.write(`basin: unknown command '${name}'. Run 'basin help' for the list.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    full.stdout.write(`${command.usage.trimEnd()}\n`);
    return 0;
  }
  try {
    return await command.run(rest, full);
  } catch (err) {
    if (err instanceof UsageError) {
      full.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    if (isUserFacing(err)) {
      full.stderr.write(`basin ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    full.stderr.write(`basin ${name}: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
