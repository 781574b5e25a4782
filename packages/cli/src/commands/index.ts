import type { Command } from '../command';

/** Every sub-command, in the order `basin help` lists them. */
export const commands: Command[] = [];
