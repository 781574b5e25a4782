export { createLogger, LEVELS, type Level, type Logger, type LoggerOptions } from './logger';
export { isUserFacing, type Running, runService, watchSupervisor } from './service';
