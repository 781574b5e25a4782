/** Floating-point operation counts of a model (multiply and add counted separately). */
import { resnetLayout } from './layout';
import type { ModelSpec } from './spec';

/**
 * FLOPs of one forward pass of one example: 2·k²·Cin·Cout·H·W per convolution, 2·Cin·classes for `fc`.
 * Elementwise work (biases, ReLU, norms, pooling) is left out: it is memory-bound and under 2% of the total.
 */
export function forwardFlops(spec: ModelSpec): number {
  let [h, w] = spec.inputShape;
  let flops = 0;
  for (const m of resnetLayout(spec)) {
    const stride = m.stride ?? 1;
    if (m.kind === 'block') {
      // 'same' padding: outputs are ceil(size / stride).
      h = Math.ceil(h / stride);
      w = Math.ceil(w / stride);
    }
    for (const p of m.params) {
      if (p.shape.length === 4) {
        const [kh, kw, cin, cout] = p.shape as [number, number, number, number];
        flops += 2 * kh * kw * cin * cout * h * w;
      } else if (m.kind === 'head' && p.shape.length === 2) flops += 2 * p.shape[0]! * p.shape[1]!;
    }
  }
  return flops;
}

/** FLOPs of one training step per example: forward plus backward (≈ 2× forward: input and weight gradients). */
export function trainingFlops(spec: ModelSpec): number {
  return 3 * forwardFlops(spec);
}
