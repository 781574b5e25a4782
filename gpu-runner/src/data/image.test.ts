import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tempDir, writeImage, writeText } from './fixtures.test-helper';
import { decodeImage, normalizeInto } from './image';

const tmp = tempDir('image');
after(tmp.cleanup);

describe('decodeImage', () => {
  it('resizes and converts RGB → gray (luminance) and gray → RGB', async () => {
    const rgb = join(tmp.dir, 'red.png');
    await writeImage(rgb, [200, 40, 10], { width: 30, height: 20 });
    const g = await decodeImage(rgb, { side: 8, channels: 1 });
    assert.equal(g.length, 64);
    const lum = 0.299 * 200 + 0.587 * 40 + 0.114 * 10;
    assert.ok(Math.abs(g[0]! - lum) <= 2, `gray ${g[0]} ≈ ${lum}`);
    const c = await decodeImage(rgb, { side: 8, channels: 3 });
    assert.deepEqual([...c.subarray(0, 3)], [200, 40, 10]);
    const gray = join(tmp.dir, 'gray.png');
    await writeImage(gray, [77]);
    const three = await decodeImage(gray, { side: 5, channels: 3 });
    assert.equal(three.length, 75);
    assert.ok(three.every((v) => v === 77));
  });

  it('centre-crops with fit cover and stretches with fill', async () => {
    const file = join(tmp.dir, 'halves.png');
    await writeImage(file, [0], { width: 40, height: 10, right: [255] });
    const cover = await decodeImage(file, { side: 4, channels: 1 });
    const fill = await decodeImage(file, { side: 4, channels: 1, fit: 'fill' });
    assert.deepEqual(
      [...fill.subarray(0, 4)].map((v) => v > 127),
      [false, false, true, true],
    );
    // The 10×10 centre crop straddles the edge: both halves are present.
    assert.ok(cover[0]! < 128 && cover[3]! > 127);
  });

  it('names a missing or corrupt file', async () => {
    await assert.rejects(
      decodeImage(join(tmp.dir, 'nope.png'), { side: 4, channels: 1 }, 'list.txt line 3'),
      (e: Error) => {
        assert.match(e.message, /image not found: .*nope\.png \(list\.txt line 3\)/);
        return true;
      },
    );
    const bad = join(tmp.dir, 'bad.jpg');
    writeText(bad, 'not a jpeg at all');
    await assert.rejects(decodeImage(bad, { side: 4, channels: 3 }), /cannot decode image: .*bad\.jpg/);
  });

  it('normalises per channel', () => {
    const out = new Float32Array(6);
    normalizeInto(
      new Uint8Array([255, 0, 51, 255, 0, 51]),
      3,
      { mean: [0.5, 0, 0.2], std: [0.5, 1, 0.1] },
      out,
      0,
    );
    assert.deepEqual(
      [...out].map((v) => Math.round(v * 1000) / 1000),
      [1, 0, 0, 1, 0, 0],
    );
  });
});
