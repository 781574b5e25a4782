/** Shared by the analysis command tests: run `main` in-process and capture its output. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../main';

/** The NumPy-produced fixtures of @basin/analysis. */
export const fixture = (...parts: string[]) =>
  fileURLToPath(new URL(`../../../analysis/fixtures/${parts.join('/')}`, import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: JSON written by make_fixtures.py
export const expected: any = JSON.parse(readFileSync(fixture('expected.json'), 'utf8'));

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

/** Runs `basin …args` in-process. */
export async function basin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A fresh temp dir with the given files. */
export function tempFiles(files: Record<string, Uint8Array | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'basin-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
