import { createServer } from 'node:net';
import { ConfigError } from '@basin/db';

/** Parses a port variable; a ConfigError naming the variable if it is not 1–65535. */
export function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(`${name}=${raw} is not a port number (1–65535)`);
  }
  return port;
}

/** Resolves if `port` can be bound on all interfaces; otherwise a ConfigError saying what to do. */
export async function assertPortFree(name: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new ConfigError(
          err.code === 'EADDRINUSE'
            ? `${name} ${port} is already in use: stop what is using it, or set ${name} to a free port`
            : `cannot listen on ${name} ${port} (${err.code ?? err.message})`,
        ),
      );
    });
    server.listen(port, () => server.close(() => resolve()));
  });
}
