/**
 * SGD with momentum and weight decay, PyTorch semantics: g ← ∇ + wd·θ (decayed parameters only);
 * v ← μ·v + g; θ ← θ − lr·v. The momentum buffers are state a resumed run must restore.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link Sgd}. */
export interface SgdOptions {
  /** Momentum μ. Default 0.9. */
  momentum?: number;
  /** L2 weight decay, applied to parameters whose `decay` flag is set. Default 5e-4. */
  weightDecay?: number;
}

/** A parameter the optimiser updates. */
export interface SgdParam {
  name: string;
  variable: tf.Variable;
  /** Apply weight decay. */
  decay: boolean;
}

/** The optimiser; one momentum buffer per parameter, created lazily as zeros. */
export class Sgd {
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(
    readonly params: readonly SgdParam[],
    options: SgdOptions = {},
  ) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 5e-4;
  }

  private buffer(p: SgdParam): tf.Variable {
    let b = this.buffers.get(p.name);
    if (!b) {
      b = tf.variable(tf.zerosLike(p.variable), false);
      this.buffers.set(p.name, b);
    }
    return b;
  }

  /** Applies one update with learning rate `lr`; `grads` maps variable names (`tf.Variable.name`) to gradients. */
  step(grads: tf.NamedTensorMap, lr: number): void {
    tf.tidy(() => {
      const mu = tf.scalar(this.momentum);
      const wd = tf.scalar(this.weightDecay);
      const negLr = tf.scalar(-lr);
      for (const p of this.params) {
        const g = grads[p.variable.name];
        if (!g) continue;
        const buf = this.buffer(p);
        const d = p.decay && this.weightDecay !== 0 ? tf.add(g, tf.mul(p.variable, wd)) : g;
        buf.assign(this.momentum === 0 ? d : tf.add(tf.mul(buf, mu), d));
        p.variable.assign(tf.add(p.variable, tf.mul(buf, negLr)));
      }
    });
  }

  /** The momentum buffers as `parameter name → values` (for a resumable checkpoint). */
  getState(): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const p of this.params) {
      const b = this.buffers.get(p.name);
      if (b) out.set(p.name, { shape: [...b.shape], data: Float32Array.from(b.dataSync() as Float32Array) });
    }
    return out;
  }

  /** Restores momentum buffers saved by {@link getState}; throws naming a parameter whose shape differs. */
  setState(state: ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>): void {
    for (const p of this.params) {
      const s = state.get(p.name);
      if (!s) continue;
      const want = p.variable.shape;
      if (s.shape.length !== want.length || s.shape.some((d, i) => d !== want[i]))
        throw new Error(
          `optimizer state for '${p.name}' has shape [${s.shape.join(', ')}], expected [${want.join(', ')}]`,
        );
      this.buffer(p).assign(tf.tensor(s.data, want, 'float32'));
    }
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
