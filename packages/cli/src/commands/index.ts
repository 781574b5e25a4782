import type { Command } from '../command';
import { start } from './start';

/** Every sub-command, in the order `basin help` lists them. */
export const commands: Command[] = [start];
