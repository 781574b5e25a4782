import type { Command } from '../command';
import { barrier } from './barrier';
import { cka } from './cka';
import { ckaMatrixCommand } from './cka-matrix';
import { distance } from './distance';
import { mistakes } from './mistakes';
import { npyInfo } from './npy-info';
import { start } from './start';
import { study } from './study';
import { token } from './token';

/** Every sub-command, in the order `basin help` lists them. */
export const commands: Command[] = [
  start,
  study,
  cka,
  ckaMatrixCommand,
  mistakes,
  distance,
  barrier,
  npyInfo,
  token,
];
