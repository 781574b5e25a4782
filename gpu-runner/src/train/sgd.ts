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
  /**
   * Clip the gradient to this global ℓ2 norm (over every parameter) before the update. Default none. Keeps an
   * unnormalised (Fixup) net from diverging when its zero-initialised residual branches come alive.
   */
  maxGradNorm?: number | null;
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
    this.maxGradNorm = options.maxGradNorm ?? null;
    if (this.maxGradNorm !== null && !(this.maxGradNorm > 0))
      throw new Error(`maxGradNorm must be a positive number, got ${this.maxGradNorm}`);
  }

  /** Global gradient-norm clip, or null. */
  readonly maxGradNorm: number | null;

  /** The last step's global gradient norm (a scalar kept on the device until the next step), when clipping. */
  private lastNorm: tf.Scalar | null = null;

  /** Global ℓ2 norm of the last step's gradient before clipping (clipping on), else null. */
  lastGradNorm(): number | null {
    return this.lastNorm ? this.lastNorm.dataSync()[0]! : null;
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
      // clipping stays on the device (no sync): scale = min(1, max / ‖g‖), one concat and one reduction
      let scale: tf.Scalar | null = null;
      if (this.maxGradNorm !== null) {
        const flat = this.params.flatMap((p) => {
          const g = grads[p.variable.name];
          return g ? [tf.reshape(g, [-1])] : [];
        });
        const norm = tf.sqrt(tf.sum(tf.square(tf.concat(flat)))) as tf.Scalar;
        this.lastNorm?.dispose();
        this.lastNorm = tf.keep(norm);
        scale = tf.minimum(1, tf.div(this.maxGradNorm, tf.add(norm, 1e-12))) as tf.Scalar;
      }
      for (const p of this.params) {
        const raw = grads[p.variable.name];
        if (!raw) continue;
        const g = scale ? tf.mul(raw, scale) : raw;
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
    this.lastNorm?.dispose();
    this.lastNorm = null;
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
