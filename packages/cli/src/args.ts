import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command';

/** `util.parseArgs` that turns its errors into {@link UsageError}s naming the command. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  argv: string[],
  options: T,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`basin ${command}: ${(err as Error).message}`);
  }
}
