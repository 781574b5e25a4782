export { type App, type AppConfig, createApp, type Logger } from './app';
export type { AuthConfig, Identity } from './auth';
export { ERROR_CODES, type ErrorCode } from './errors';
export { DEFAULT_LIMITS, type Limits } from './limits';
export { basinSchema, printBasinSchema } from './schema';
