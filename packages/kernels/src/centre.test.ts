import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { available, centre, columnSums, info, setThreads } from './index';
import { rand as uniform, withKernels } from './kernels.test-helper';

const rand100 = (n: number, seed: number) => uniform(n, seed, 100);

const SOURCES: [string, (v: Float64Array) => ArrayLike<number>][] = [
  ['Float32Array', (v) => Float32Array.from(v)],
  ['Float64Array', (v) => v],
  ['Int16Array', (v) => Int16Array.from(v, Math.round)],
];

for (const on of [true, false]) {
  describe(`centring kernels, ${on ? 'native' : 'JS fallback (BASIN_KERNELS=off)'}`, () => {
    const t = (name: string, body: () => void) =>
      it(name, (ctx) => {
        withKernels(on, () => {
          if (on && !available()) return ctx.skip(`addon not loaded: ${info().reason}`);
          body();
        });
      });

    t(
      'centre: a block of rows or of columns, with offsets and strides, exactly src − mean in float64',
      () => {
        const [n, d] = [1003, 37];
        for (const [kind, make] of SOURCES) {
          const src = make(rand100(n * d, 3));
          const mean = rand100(d, 5);
          // rows 10..10+500 (all columns), then columns 7..7+20 of every row
          for (const [rows, cols, srcOffset, srcStride, m0] of [
            [500, d, 10 * d, d, 0],
            [n, 20, 7, d, 7],
          ] as const) {
            const outStride = cols + 3;
            const out = new Float64Array(rows * outStride).fill(Number.NaN);
            const mu = mean.subarray(m0, m0 + cols);
            centre(src, mu, out, { rows, cols, srcOffset, srcStride, outStride });
            for (let r = 0; r < rows; r++)
              for (let c = 0; c < outStride; c++) {
                const got = out[r * outStride + c]!;
                if (c >= cols) assert.ok(Number.isNaN(got), `${kind}: wrote past cols at ${r},${c}`);
                else assert.equal(got, src[srcOffset + r * srcStride + c]! - mu[c]!, `${kind} ${r},${c}`);
              }
          }
        }
      },
    );

    t('columnSums: float64 sums, the same whatever the thread split, exact for integers past 2^24', () => {
      for (const [kind, make] of SOURCES) {
        const [n, d] = [70_001, 9];
        const src = make(rand100(n * d, 11));
        const out = new Float64Array(d);
        columnSums(src, n, d, out);
        for (let c = 0; c < d; c++) {
          let want = 0;
          for (let r = 0; r < n; r++) want += src[r * d + c]!;
          assert.ok(Math.abs(out[c]! - want) <= 1e-9 * Math.abs(want) + 1e-6, `${kind} column ${c}`);
        }
      }
      if (on) {
        // the blocks of rows depend on the row count only: one thread gives the same bits as two
        const src = Float32Array.from(rand100(50_000 * 7, 13));
        const two = new Float64Array(7);
        const one = new Float64Array(7);
        const threads = info().threads;
        columnSums(src, 50_000, 7, two);
        setThreads(1);
        try {
          columnSums(src, 50_000, 7, one);
        } finally {
          setThreads(threads);
        }
        assert.deepEqual(one, two);
      }
      // 2^25 + 1 ones in one column: a float32 accumulator would stop at 2^24
      const ones = new Float32Array(2 ** 25 + 1).fill(1);
      const one = new Float64Array(1);
      columnSums(ones, ones.length, 1, one);
      assert.equal(one[0], 2 ** 25 + 1);
    });

    t('rejects short arrays, strides under the row length and negative sizes, naming them', () => {
      const src = new Float32Array(10);
      const mean = new Float64Array(5);
      assert.throws(
        () => centre(src, mean, new Float64Array(10), { rows: 3, cols: 5 }),
        /src has 10 elements/,
      );
      assert.throws(() => centre(src, mean, new Float64Array(4), { rows: 2, cols: 5 }), /out has 4 elements/);
      assert.throws(
        () => centre(src, new Float64Array(2), new Float64Array(10), { rows: 2, cols: 5 }),
        /mean/,
      );
      assert.throws(
        () => centre(src, mean, new Float64Array(10), { rows: 2, cols: 5, srcStride: 4 }),
        /srcStride \(4\) and outStride \(5\) must be at least cols \(5\)/,
      );
      assert.throws(
        () => columnSums(src, 3, 4, new Float64Array(4)),
        /src has 10 elements, needs at least 12/,
      );
      assert.throws(() => columnSums(src, -1, 4, new Float64Array(4)), /rows must be a non-negative integer/);
    });
  });
}
