import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Content-addressed store for checkpoint weights: a blob's name is the sha256 of its bytes, so writing the same
 * weights twice is free and a corrupt file is detected on read. Layout: `<root>/<h[0:2]>/<h>`.
 * @remarks Writes go to a temporary file then `rename`, so a crash never leaves a half-written blob under its name.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  /** Path of the blob named `hash`. */
  path(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`not a sha256 blob name: '${hash}'`);
    return join(this.root, hash.slice(0, 2), hash);
  }

  /** Stores `bytes`; returns their sha256 and size. */
  async put(bytes: Uint8Array): Promise<{ hash: string; size: number }> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const target = this.path(hash);
    if (await this.has(hash)) return { hash, size: bytes.byteLength };
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, bytes, { flush: true });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { hash, size: bytes.byteLength };
  }

  /** True if a blob named `hash` exists. */
  async has(hash: string): Promise<boolean> {
    try {
      return (await stat(this.path(hash))).isFile();
    } catch {
      return false;
    }
  }

  /** Reads a blob and checks its bytes still hash to its name. */
  async get(hash: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(hash));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error(`blob ${hash} is not in ${this.root}`);
      throw err;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== hash)
      throw new Error(`blob ${hash} in ${this.root} is corrupt (its bytes hash to ${actual})`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
