/**
 * The parameters of a ResNet, module by module, with PyTorch-style names (`conv1`, `layer1.0`, …, `fc`) and their
 * Fixup initialisation.
 *
 * @remarks Why Fixup and no batch norm: batch norm keeps running mean/variance buffers that are not trained
 * parameters. Interpolating two models (θ(λ) = (1−λ)θ₁ + λθ₂, the performance barrier) or swapping one module
 * for its initial weights (module criticality) would then need statistics that no model ever computed, and the
 * result would depend on how they are re-estimated. Fixup (Zhang, Dauphin & Ma, ICLR 2019; the paper's ResNet-50
 * uses it) trains deep residual nets without normalisation: scalar biases around each convolution, a scalar
 * multiplier per residual branch, the branch's last convolution initialised to zero and the others scaled by
 * L^(−1/2) for L residual blocks. A model is then exactly its parameters, so every analysis is well defined.
 * The `groupnorm` variant normalises each example on its own (no batch statistics, nothing stored), so it keeps
 * the same property; it is 3–5× slower on wasm, hence not the default.
 */
import { mulberry32 } from '../data/memory';
import { blocksPerStage, type ModelSpec } from './spec';

/** How a parameter starts. */
export type ParamInit =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  /** Normal with standard deviation `std`. */
  | { kind: 'normal'; std: number };

/** One parameter of a module. */
export interface ParamLayout {
  /** Full name, `<module>.<param>`, e.g. `layer2.0.conv1.weight`. */
  name: string;
  /** Name inside the module, e.g. `conv1.weight`. */
  local: string;
  /** Conv weights are [kh, kw, in, out] (TF.js layout); `fc.weight` is [in, out]; Fixup scalars are [1]. */
  shape: number[];
  init: ParamInit;
  /** Weight decay applies (conv and fc weights; not biases or Fixup scalars). */
  decay: boolean;
}

/** A named module and its parameters. */
export interface ModuleLayout {
  name: string;
  /** `stem` (conv1), `block` (a residual block) or `head` (fc). */
  kind: 'stem' | 'block' | 'head';
  /** Blocks only: input and output channels and stride. */
  inChannels?: number;
  outChannels?: number;
  stride?: number;
  params: ParamLayout[];
}

function param(module: string, local: string, shape: number[], init: ParamInit, decay = false): ParamLayout {
  return { name: `${module}.${local}`, local, shape, init, decay };
}

const he = (fanIn: number, scale = 1): ParamInit => ({ kind: 'normal', std: scale * Math.sqrt(2 / fanIn) });

/** Channels per GroupNorm group (fewer groups when channels are few: at least one group). */
export const GROUP_CHANNELS = 4;

/** GroupNorm groups for `channels`. */
export function groupsFor(channels: number): number {
  return Math.max(1, Math.floor(channels / GROUP_CHANNELS));
}

/** The modules of a ResNet in forward order. */
export function resnetLayout(spec: ModelSpec): ModuleLayout[] {
  return (spec.norm ?? 'fixup') === 'fixup' ? fixupLayout(spec) : groupNormLayout(spec);
}

const gn = (module: string, prefix: string, ch: number, zero = false): ParamLayout[] => [
  param(module, `${prefix}.weight`, [ch], { kind: zero ? 'zeros' : 'ones' }),
  param(module, `${prefix}.bias`, [ch], { kind: 'zeros' }),
];

/**
 * ResNet v1 with GroupNorm after every convolution; the second norm of each residual branch starts at γ = 0, so
 * every block starts as the identity (as Fixup does), which keeps early training stable.
 */
function groupNormLayout(spec: ModelSpec): ModuleLayout[] {
  const n = blocksPerStage(spec);
  const [, , c] = spec.inputShape;
  const w = spec.width;
  const modules: ModuleLayout[] = [
    {
      name: 'conv1',
      kind: 'stem',
      outChannels: w,
      params: [param('conv1', 'weight', [3, 3, c, w], he(9 * c), true), ...gn('conv1', 'norm', w)],
    },
  ];
  let cin = w;
  for (let stage = 0; stage < 3; stage++) {
    const cout = w * 2 ** stage;
    for (let b = 0; b < n; b++) {
      const name = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const params = [
        param(name, 'conv1.weight', [3, 3, cin, cout], he(9 * cin), true),
        ...gn(name, 'norm1', cout),
        param(name, 'conv2.weight', [3, 3, cout, cout], he(9 * cout), true),
        ...gn(name, 'norm2', cout, true),
      ];
      if (stride !== 1 || cin !== cout)
        params.push(
          param(name, 'downsample.weight', [1, 1, cin, cout], he(cin), true),
          ...gn(name, 'downsample_norm', cout),
        );
      modules.push({ name, kind: 'block', inChannels: cin, outChannels: cout, stride, params });
      cin = cout;
    }
  }
  modules.push(head(cin, spec.classes));
  return modules;
}

function head(cin: number, classes: number): ModuleLayout {
  return {
    name: 'fc',
    kind: 'head',
    params: [
      param('fc', 'weight', [cin, classes], { kind: 'normal', std: Math.sqrt(1 / cin) }, true),
      param('fc', 'bias', [classes], { kind: 'zeros' }),
    ],
  };
}

function fixupLayout(spec: ModelSpec): ModuleLayout[] {
  const n = blocksPerStage(spec);
  const totalBlocks = 3 * n;
  const branchScale = totalBlocks ** -0.5;
  const [, , c] = spec.inputShape;
  const w = spec.width;
  const modules: ModuleLayout[] = [
    {
      name: 'conv1',
      kind: 'stem',
      outChannels: w,
      params: [
        param('conv1', 'weight', [3, 3, c, w], he(9 * c), true),
        param('conv1', 'bias', [1], { kind: 'zeros' }),
      ],
    },
  ];
  let cin = w;
  for (let stage = 0; stage < 3; stage++) {
    const cout = w * 2 ** stage;
    for (let b = 0; b < n; b++) {
      const name = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const params = [
        param(name, 'bias1a', [1], { kind: 'zeros' }),
        param(name, 'conv1.weight', [3, 3, cin, cout], he(9 * cin, branchScale), true),
        param(name, 'bias1b', [1], { kind: 'zeros' }),
        param(name, 'bias2a', [1], { kind: 'zeros' }),
        param(name, 'conv2.weight', [3, 3, cout, cout], { kind: 'zeros' }, true),
        param(name, 'scale', [1], { kind: 'ones' }),
        param(name, 'bias2b', [1], { kind: 'zeros' }),
      ];
      if (stride !== 1 || cin !== cout)
        params.push(param(name, 'downsample.weight', [1, 1, cin, cout], he(cin), true));
      modules.push({ name, kind: 'block', inChannels: cin, outChannels: cout, stride, params });
      cin = cout;
    }
  }
  modules.push({
    name: 'fc',
    kind: 'head',
    params: [
      param('fc', 'weight', [cin, spec.classes], { kind: 'zeros' }, true),
      param('fc', 'bias', [spec.classes], { kind: 'zeros' }),
    ],
  });
  return modules;
}

/** Number of trainable values of a spec. */
export function countParams(spec: ModelSpec): number {
  let total = 0;
  for (const m of resnetLayout(spec)) for (const p of m.params) total += p.shape.reduce((a, b) => a * b, 1);
  return total;
}

/** Draws a parameter's initial values from `seed` (plain JS, so identical on every backend). */
export function initialValues(p: ParamLayout, seed: number): Float32Array {
  const size = p.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  if (p.init.kind === 'ones') out.fill(1);
  if (p.init.kind !== 'normal') return out;
  const rand = mulberry32(seed);
  const { std } = p.init;
  for (let i = 0; i < size; i += 2) {
    // Box–Muller: two normals per two uniforms.
    const u = 1 - rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** A per-parameter seed derived from the model seed and the parameter's name (stable across layouts). */
export function paramSeed(modelSeed: number, name: string): number {
  let h = (modelSeed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
