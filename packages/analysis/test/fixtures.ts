/** Loads the NumPy-produced fixtures committed under packages/analysis/fixtures (see make_fixtures.py). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyToTensor, readNpy } from '../src/npy';
import type { Tensor } from '../src/tensor';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(...parts)));
}

export function loadNpy(...parts: string[]): Tensor {
  const p = fixturePath(...parts);
  return npyToTensor(readNpy(fixtureBytes(...parts), p), p);
}

// biome-ignore lint/suspicious/noExplicitAny: JSON written by make_fixtures.py
export const expected: any = JSON.parse(readFileSync(fixturePath('expected.json'), 'utf8'));

/** Deterministic standard normals (mulberry32 + Box–Muller) for closed-form tests. */
export function randn(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

export function close(actual: number, want: number, tol: number, what = ''): void {
  if (!(Math.abs(actual - want) <= tol)) throw new Error(`${what} expected ${want} ± ${tol}, got ${actual}`);
}
