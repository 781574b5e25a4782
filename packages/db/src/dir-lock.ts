import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ConfigError } from './errors';

/**
 * Takes `<path>.lock` for this process so two Basins never open one PGlite data folder (PGlite has no lock of its
 * own, and two writers corrupt it). A lock left by a process that no longer exists is taken over.
 * @returns a function that releases the lock.
 */
export function lockDirectory(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lock, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new ConfigError(
          `the embedded database in ${path} is in use by another Basin (pid ${pid}); stop it, or set BASIN_HOME to another folder`,
        );
      }
      rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
  throw new ConfigError(`cannot lock ${path}: remove ${lock} if no Basin is running`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
