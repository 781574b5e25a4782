/** What the kernels' tests share: deterministic random values and running a body under other settings. */
import { resetAddonForTests } from './addon';

/** Deterministic uniform(-scale, scale) values (xorshift32 from `seed`). */
export function rand(n: number, seed: number, scale = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 * scale - scale;
  }
  return out;
}

/** Float32 values of {@link rand}. */
export const rand32 = (n: number, seed: number, scale = 1): Float32Array =>
  Float32Array.from(rand(n, seed, scale));

/**
 * Runs `body` with environment overrides (undefined deletes) and a fresh addon load, then restores both.
 * `BASIN_KERNELS: 'off'` runs it on the JS fallback.
 */
export function withEnv<T>(env: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const set = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(env);
  resetAddonForTests();
  try {
    return body();
  } finally {
    set(saved);
    resetAddonForTests();
  }
}

/** {@link withEnv} with the native kernels on (`true`) or off. */
export const withKernels = <T>(on: boolean, body: () => T): T =>
  withEnv({ BASIN_KERNELS: on ? undefined : 'off' }, body);
