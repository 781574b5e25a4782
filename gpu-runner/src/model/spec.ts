/**
 * The model spec: everything needed to rebuild a model's architecture. It travels in checkpoints
 * (`basin.model`) and in the API's `Model` records, so it must round-trip through JSON unchanged.
 */

/** Architecture of a Basin model. */
export interface ModelSpec {
  /** Model family. Only `resnet` (CIFAR-style ResNet without batch norm) exists today. */
  family: 'resnet';
  /** Total weighted layers, 6n + 2 (8, 14, 20, 26, …): n residual blocks in each of the 3 stages. */
  depth: number;
  /** Channels of `conv1` and `layer1`; `layer2` has 2×, `layer3` 4×. */
  width: number;
  /** Input [height, width, channels]. */
  inputShape: [number, number, number];
  /** Output size: classes (multiclass) or labels (multilabel). */
  classes: number;
  /**
   * Normalisation: `fixup` (no normalisation layer; Fixup scalar biases and multipliers) or `groupnorm`
   * (GroupNorm, 4 channels per group, after every conv; 3–5× slower on wasm). Neither keeps running statistics
   * (see layout.ts). Default `fixup`.
   */
  norm?: ModelNorm;
}

/** Normalisation schemes without running statistics (see layout.ts for why). */
export type ModelNorm = 'groupnorm' | 'fixup';

/** Defaults of {@link resnetSpec}: ResNet-20, width 16 (≈ 0.27 M parameters). */
export const DEFAULT_RESNET = { depth: 20, width: 16 } as const;

/** Thrown for a spec that cannot describe a model; the message names the field, its value and what was expected. */
export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
}

const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Validates an unknown value (e.g. parsed JSON) as a {@link ModelSpec}, returning a normalised copy. */
export function parseModelSpec(value: unknown): ModelSpec {
  const fail = (msg: string): never => {
    throw new ModelSpecError(`model spec: ${msg}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected an object');
  const v = value as Record<string, unknown>;
  if (v.family !== 'resnet') fail(`family is ${JSON.stringify(v.family)}, expected "resnet"`);
  if (!posInt(v.depth) || v.depth < 8 || (v.depth - 2) % 6 !== 0)
    fail(`depth is ${JSON.stringify(v.depth)}, expected 6n + 2 with n ≥ 1 (8, 14, 20, …)`);
  if (!posInt(v.width)) fail(`width is ${JSON.stringify(v.width)}, expected a positive integer`);
  const s = v.inputShape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every(posInt))
    fail(`inputShape is ${JSON.stringify(s)}, expected [height, width, channels] of positive integers`);
  if (!posInt(v.classes)) fail(`classes is ${JSON.stringify(v.classes)}, expected a positive integer`);
  const norm = v.norm ?? 'fixup';
  if (norm !== 'groupnorm' && norm !== 'fixup')
    fail(`norm is ${JSON.stringify(v.norm)}, expected "groupnorm" or "fixup"`);
  const shape = s as number[];
  return {
    family: 'resnet',
    depth: v.depth as number,
    width: v.width as number,
    inputShape: [shape[0]!, shape[1]!, shape[2]!],
    classes: v.classes as number,
    norm: norm as ModelNorm,
  };
}

/** A ResNet spec for `inputShape` and `classes`, with {@link DEFAULT_RESNET} depth and width unless given. */
export function resnetSpec(
  inputShape: [number, number, number],
  classes: number,
  options: { depth?: number; width?: number; norm?: ModelNorm } = {},
): ModelSpec {
  return parseModelSpec({
    family: 'resnet',
    depth: options.depth ?? DEFAULT_RESNET.depth,
    width: options.width ?? DEFAULT_RESNET.width,
    inputShape,
    classes,
    norm: options.norm,
  });
}

/** Residual blocks per stage: (depth − 2) / 6. */
export function blocksPerStage(spec: ModelSpec): number {
  return (spec.depth - 2) / 6;
}
