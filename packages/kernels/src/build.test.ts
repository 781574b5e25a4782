import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { defaultAddonPath, ensureBuilt } from './index';

describe('ensureBuilt (what basin start runs before the runners)', () => {
  it('with BASIN_KERNELS=off builds nothing and says so in one line', () => {
    const r = ensureBuilt({ ...process.env, BASIN_KERNELS: 'off' });
    assert.equal(r.ok, false);
    assert.match(r.line, /^\[kernels\] BASIN_KERNELS=off: native kernels not built$/);
  });
  it('leaves a built addon built (up to date, or rebuilt where a source is newer)', (t) => {
    if (!existsSync(defaultAddonPath())) return t.skip('the addon is not built here (no compiler?)');
    const r = ensureBuilt();
    assert.equal(r.ok, true, r.line);
    assert.match(r.line, /^\[kernels\] native kernels (up to date|built in [\d.]+ s)/);
    assert.ok(existsSync(defaultAddonPath()));
  });
});
