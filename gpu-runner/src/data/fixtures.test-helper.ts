import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** Test-only: a fresh temp directory and its cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `basin-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Test-only: writes a real image file of one colour (gray when `color` has one value), PNG or JPEG by the
 * file's extension, creating folders. A left half of `color` and a right half of `right` when given.
 */
export async function writeImage(
  file: string,
  color: number[],
  size: { width?: number; height?: number; right?: number[] } = {},
): Promise<void> {
  const width = size.width ?? 12;
  const height = size.height ?? 10;
  const channels = color.length as 1 | 3;
  const buf = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = size.right && x >= width / 2 ? size.right : color;
      for (let k = 0; k < channels; k++) buf[(y * width + x) * channels + k] = c[k]!;
    }
  mkdirSync(dirname(file), { recursive: true });
  const img = sharp(buf, { raw: { width, height, channels } });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

/** Test-only: writes a text file, creating folders. */
export function writeText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
