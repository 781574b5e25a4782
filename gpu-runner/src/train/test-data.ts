/**
 * Small deterministic datasets for tests and benchmarks: each class is a noisy oriented stripe pattern, so a tiny
 * convnet learns it within a few hundred steps.
 */
import { memoryDataset, mulberry32 } from '../data/memory';
import type { Dataset, Task } from '../data/types';

/** Options of {@link stripesDataset}. */
export interface StripesOptions {
  /** Image [height, width, channels]. Default [12, 12, 1]. */
  shape?: [number, number, number];
  /** Classes (MULTICLASS) or labels (MULTILABEL). Default 4. */
  classes?: number;
  /** Default 128 and 64. */
  trainSize?: number;
  testSize?: number;
  task?: Task;
  seed?: number;
  /** Pixel noise standard deviation. Default 0.3. */
  noise?: number;
}

/** A dataset whose class j is a stripe pattern of orientation j·π/k and frequency 0.8 + 0.9·j/k, plus noise. */
export function stripesDataset(options: StripesOptions = {}): Dataset {
  const shape = options.shape ?? [12, 12, 1];
  const k = options.classes ?? 4;
  const task = options.task ?? 'MULTICLASS';
  const rand = mulberry32(options.seed ?? 1);
  const [h, w, c] = shape;
  const make = (n: number) => {
    const x = new Float32Array(n * h * w * c);
    const y = task === 'MULTILABEL' ? new Float32Array(n * k) : new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const labels = task === 'MULTILABEL' ? Array.from({ length: k }, () => (rand() < 0.5 ? 1 : 0)) : null;
      const cls = Math.floor(rand() * k);
      if (labels) for (let j = 0; j < k; j++) y[i * k + j] = labels[j]!;
      else y[i] = cls;
      const phase = rand() * Math.PI * 2;
      for (let r = 0; r < h; r++)
        for (let q = 0; q < w; q++) {
          let v = 0;
          const pattern = (j: number) =>
            Math.sin(
              (Math.cos((j * Math.PI) / k) * q + Math.sin((j * Math.PI) / k) * r) * (0.8 + (0.9 * j) / k) +
                phase,
            );
          if (labels) for (let j = 0; j < k; j++) v += labels[j] ? pattern(j) / 2 : 0;
          else v = pattern(cls);
          for (let ch = 0; ch < c; ch++) {
            const u1 = 1 - rand();
            const u2 = rand();
            const noise = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * (options.noise ?? 0.3);
            x[((i * h + r) * w + q) * c + ch] = v + noise;
          }
        }
    }
    return { x, y };
  };
  const trainSize = options.trainSize ?? 128;
  const testSize = options.testSize ?? 64;
  return memoryDataset(
    {
      kind: 'SYNTHETIC_DOMAIN',
      name: `stripes-${k}`,
      domain: null,
      task,
      classes: Array.from({ length: k }, (_, j) => `stripe${j}`),
      shape,
      trainSize,
      testSize,
    },
    make(trainSize),
    make(testSize),
  );
}
