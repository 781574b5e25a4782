/**
 * A ResNet for small images written on tfjs-core ops with explicit parameter tensors (no tfjs-layers), so that
 * weights can be read, written, interpolated and swapped per named module.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  groupsFor,
  initialValues,
  type ModuleLayout,
  type ParamLayout,
  paramSeed,
  resnetLayout,
} from './layout';
import { type ModelSpec, parseModelSpec } from './spec';

/** Thrown when weights do not fit the model; the message names the module/parameter and both shapes. */
export class WeightShapeError extends Error {
  override name = 'WeightShapeError';
}

/** Options of {@link ResNet.forward}. */
export interface ForwardOptions {
  /**
   * Also return intermediate activations (for CKA): `true` for every module (`conv1`, `layer1.0`, …, `avgpool`,
   * `fc`), or a list of those names. Default false.
   */
  activations?: boolean | readonly string[];
}

/** What {@link ResNet.forward} returns. The caller owns (and disposes) every tensor. */
export interface ForwardResult {
  /** [batch, classes] logits. */
  logits: tf.Tensor2D;
  /** Module name → its output: NHWC maps for `conv1` and blocks, [batch, channels] for `avgpool`, logits for `fc`. */
  activations: Record<string, tf.Tensor>;
}

const shapeStr = (s: readonly number[]) => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** A Fixup ResNet (see `layout.ts` for why there is no batch norm) with named modules. */
export class ResNet {
  readonly spec: ModelSpec;
  readonly modules: readonly ModuleLayout[];
  /** Full parameter name → its variable, in module order. */
  readonly params: ReadonlyMap<string, tf.Variable>;
  private readonly layoutByName: Map<string, ParamLayout>;

  private constructor(spec: ModelSpec, values: (p: ParamLayout) => Float32Array) {
    this.spec = parseModelSpec(spec);
    this.modules = resnetLayout(this.spec);
    const params = new Map<string, tf.Variable>();
    this.layoutByName = new Map();
    for (const m of this.modules)
      for (const p of m.params) {
        this.layoutByName.set(p.name, p);
        params.set(p.name, tf.variable(tf.tensor(values(p), p.shape, 'float32'), true));
      }
    this.params = params;
  }

  /** A freshly initialised model; the same `seed` gives the same weights on every backend. Default seed 0. */
  static create(spec: ModelSpec, options: { seed?: number } = {}): ResNet {
    const seed = options.seed ?? 0;
    return new ResNet(spec, (p) => initialValues(p, paramSeed(seed, p.name)));
  }

  /** Module names in forward order. */
  get moduleNames(): string[] {
    return this.modules.map((m) => m.name);
  }

  /** The module named `name`; throws naming the modules that exist. */
  module(name: string): ModuleLayout {
    const m = this.modules.find((x) => x.name === name);
    if (!m)
      throw new Error(`no module '${name}' in ${this.describe()} (modules: ${this.moduleNames.join(', ')})`);
    return m;
  }

  /** "resnet-20 w16 32×32×3 → 10". */
  describe(): string {
    const [h, w, c] = this.spec.inputShape;
    return `${this.spec.family}-${this.spec.depth} w${this.spec.width} ${h}×${w}×${c} → ${this.spec.classes}`;
  }

  /** Number of trainable values. */
  get size(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  private p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter '${name}' in ${this.describe()}`);
    return v;
  }

  /**
   * Runs the network on an NHWC batch. Call inside `tf.tidy` (or dispose the result) — intermediates are freed,
   * returned tensors are the caller's.
   */
  forward(x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
    const want = options.activations ?? false;
    const keep = (name: string) => want === true || (Array.isArray(want) && want.includes(name));
    const [h, w, c] = this.spec.inputShape;
    if (x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c)
      throw new Error(
        `input of shape ${shapeStr(x.shape)} does not fit ${this.describe()} (expected [n, ${h}, ${w}, ${c}])`,
      );
    return tf.tidy(() => {
      const activations: Record<string, tf.Tensor> = {};
      const stem = tf.conv2d(x, this.p('conv1.weight') as tf.Tensor4D, 1, 'same');
      let out = tf.relu(
        this.fixup ? tf.add(stem, this.p('conv1.bias')) : this.norm(stem, 'conv1.norm'),
      ) as tf.Tensor4D;
      if (keep('conv1')) activations.conv1 = out;
      for (const m of this.modules) {
        if (m.kind !== 'block') continue;
        out = this.block(m, out);
        if (keep(m.name)) activations[m.name] = out;
      }
      const pooled = tf.mean(out, [1, 2]) as tf.Tensor2D;
      if (keep('avgpool')) activations.avgpool = pooled;
      const logits = tf.add(
        tf.matMul(pooled, this.p('fc.weight') as tf.Tensor2D),
        this.p('fc.bias'),
      ) as tf.Tensor2D;
      if (keep('fc')) activations.fc = logits;
      return { logits, activations };
    });
  }

  private get fixup(): boolean {
    return this.spec.norm === 'fixup';
  }

  /** GroupNorm (ε = 1e-5) with per-channel γ, β named `<prefix>.weight`, `<prefix>.bias`. */
  private norm(x: tf.Tensor4D, prefix: string): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    const g = groupsFor(c);
    const xg = tf.reshape(x, [n, h, w, g, c / g]);
    const { mean, variance } = tf.moments(xg, [1, 2, 4], true);
    const xn = tf.reshape(tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, 1e-5))), [n, h, w, c]);
    return tf.add(tf.mul(xn, this.p(`${prefix}.weight`)), this.p(`${prefix}.bias`)) as tf.Tensor4D;
  }

  private block(m: ModuleLayout, x: tf.Tensor4D): tf.Tensor4D {
    if (!this.fixup) return this.gnBlock(m, x);
    return this.fixupBlock(m, x);
  }

  private gnBlock(m: ModuleLayout, x: tf.Tensor4D): tf.Tensor4D {
    const q = (local: string) => this.p(`${m.name}.${local}`) as tf.Tensor4D;
    const stride = m.stride ?? 1;
    let out = tf.relu(
      this.norm(tf.conv2d(x, q('conv1.weight'), stride, 'same'), `${m.name}.norm1`),
    ) as tf.Tensor4D;
    out = this.norm(tf.conv2d(out, q('conv2.weight'), 1, 'same'), `${m.name}.norm2`);
    const shortcut = this.params.has(`${m.name}.downsample.weight`)
      ? this.norm(tf.conv2d(x, q('downsample.weight'), stride, 'same'), `${m.name}.downsample_norm`)
      : x;
    return tf.relu(tf.add(out, shortcut)) as tf.Tensor4D;
  }

  private fixupBlock(m: ModuleLayout, x: tf.Tensor4D): tf.Tensor4D {
    const q = (local: string) => this.p(`${m.name}.${local}`);
    const stride = m.stride ?? 1;
    const xin = tf.add(x, q('bias1a')) as tf.Tensor4D;
    let out = tf.conv2d(xin, q('conv1.weight') as tf.Tensor4D, stride, 'same');
    out = tf.relu(tf.add(out, q('bias1b'))) as tf.Tensor4D;
    out = tf.conv2d(tf.add(out, q('bias2a')) as tf.Tensor4D, q('conv2.weight') as tf.Tensor4D, 1, 'same');
    out = tf.add(tf.mul(out, q('scale')), q('bias2b')) as tf.Tensor4D;
    const shortcut = this.params.has(`${m.name}.downsample.weight`)
      ? tf.conv2d(xin, q('downsample.weight') as tf.Tensor4D, stride, 'same')
      : x;
    return tf.relu(tf.add(out, shortcut)) as tf.Tensor4D;
  }

  /** The trainable variables in module order (what the optimiser updates). */
  variables(): tf.Variable[] {
    return [...this.params.values()];
  }

  /** Layout of the parameter named `name` (`<module>.<param>`). */
  paramLayout(name: string): ParamLayout {
    const p = this.layoutByName.get(name);
    if (!p) throw new Error(`no parameter '${name}' in ${this.describe()}`);
    return p;
  }

  /** A module's weights as `local name → values` (copies). */
  getModuleWeights(module: string): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const p of this.module(module).params)
      out.set(p.local, { shape: [...p.shape], data: Float32Array.from(this.p(p.name).dataSync()) });
    return out;
  }

  /**
   * Overwrites a module's weights. Keys are local names (`conv1.weight`) or full names (`layer1.0.conv1.weight`);
   * every parameter of the module must be given unless `partial` is set.
   *
   * @throws {@link WeightShapeError} naming the module, parameter and both shapes when a shape does not fit.
   */
  setModuleWeights(
    module: string,
    weights:
      | ReadonlyMap<string, { shape: readonly number[]; data: Float32Array }>
      | Record<string, { shape: readonly number[]; data: Float32Array }>,
    options: { partial?: boolean } = {},
  ): void {
    const m = this.module(module);
    const entries = weights instanceof Map ? [...weights.entries()] : Object.entries(weights);
    const given = new Map<string, { shape: readonly number[]; data: Float32Array }>();
    for (const [k, v] of entries) {
      const local = k.startsWith(`${module}.`) ? k.slice(module.length + 1) : k;
      if (!m.params.some((p) => p.local === local))
        throw new WeightShapeError(
          `module '${module}' has no parameter '${local}' (it has ${m.params.map((p) => p.local).join(', ')})`,
        );
      given.set(local, v);
    }
    // Validate everything before writing anything.
    for (const p of m.params) {
      const v = given.get(p.local);
      if (!v) {
        if (options.partial) continue;
        throw new WeightShapeError(`module '${module}': parameter '${p.name}' is missing`);
      }
      if (!sameShape(v.shape, p.shape) || v.data.length !== p.shape.reduce((a, b) => a * b, 1))
        throw new WeightShapeError(
          `module '${module}': parameter '${p.name}' has shape ${shapeStr(v.shape)} (${v.data.length} values) but ${this.describe()} expects ${shapeStr(p.shape)}`,
        );
    }
    for (const p of m.params) {
      const v = given.get(p.local);
      if (v) this.p(p.name).assign(tf.tensor(v.data, p.shape, 'float32'));
    }
  }

  /** Re-draws a module's initial weights (e.g. a new head for other classes). */
  reinitModule(module: string, seed: number): void {
    for (const p of this.module(module).params)
      this.p(p.name).assign(tf.tensor(initialValues(p, paramSeed(seed, p.name)), p.shape, 'float32'));
  }

  /** A module's parameters flattened in layout order (or the whole model's, module by module). */
  flatten(module?: string): Float32Array {
    const names = module ? this.module(module).params.map((p) => p.name) : [...this.params.keys()];
    const parts = names.map((n) => this.p(n).dataSync() as Float32Array);
    const out = new Float32Array(parts.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const part of parts) {
      out.set(part, o);
      o += part.length;
    }
    return out;
  }

  /** Copies every parameter from a model with the same spec. */
  copyFrom(other: ResNet): void {
    for (const [name, v] of this.params) {
      const src = other.params.get(name);
      if (!src || !sameShape(src.shape, v.shape))
        throw new WeightShapeError(
          `copyFrom: parameter '${name}' does not exist or differ in shape in the source model`,
        );
      v.assign(src);
    }
  }

  /** Frees every parameter. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
