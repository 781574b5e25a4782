import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { resetAddonForTests } from './addon';
import { available, info, sgemm } from './index';
import { withEnv } from './kernels.test-helper';

/** Runs `body` with env overrides and a fresh load, returning what it logged to stderr. */
function withEnvLogged(env: Record<string, string | undefined>, body: () => void): string {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    withEnv(env, body);
  } finally {
    process.stderr.write = write;
  }
  return lines.join('');
}

function gemmStillWorks(): void {
  const c = new Float32Array(4);
  sgemm(Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8), c, { m: 2, n: 2, k: 2 });
  assert.deepEqual([...c], [19, 22, 43, 50]);
}

describe('when the addon is missing or off', () => {
  afterEach(() => resetAddonForTests());
  it('BASIN_KERNELS=off: JS fallback, one log line saying so', () => {
    const log = withEnvLogged({ BASIN_KERNELS: 'off', BASIN_LOG_LEVEL: 'info' }, () => {
      assert.equal(available(), false);
      assert.equal(info().impl, 'js');
      assert.match(info().reason ?? '', /BASIN_KERNELS=off/);
      gemmStillWorks();
      available();
    });
    assert.equal(log.trim().split('\n').length, 1, log);
    assert.match(log, /native kernels off, using the JS\/wasm paths/);
  });
  it('an addon that is not built: JS fallback naming the build command', () => {
    withEnv(
      { BASIN_KERNELS: undefined, BASIN_KERNELS_ADDON: join(tmpdir(), 'no-such-dir', 'basin_kernels.node') },
      () => {
        assert.equal(available(), false);
        assert.match(info().reason ?? '', /not built/);
        gemmStillWorks();
      },
    );
  });
  it('an addon that fails to load (a corrupt binary): JS fallback with the loader’s reason', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'basin-kernels-')), 'basin_kernels.node');
    writeFileSync(bad, 'not a shared object');
    withEnv({ BASIN_KERNELS: undefined, BASIN_KERNELS_ADDON: bad }, () => {
      assert.equal(available(), false);
      assert.match(info().reason ?? '', /failed to load/);
      gemmStillWorks();
    });
  });
});
