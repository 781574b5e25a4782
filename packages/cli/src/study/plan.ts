/** How big the default study is. `tiny` is for CI; `small` (the default) is meant to finish within 10 minutes on 2 cores. */
export type Scale = 'tiny' | 'small' | 'medium' | 'large';
export const SCALES: readonly Scale[] = ['tiny', 'small', 'medium', 'large'];

/** A dataset the study registers (by name, so a restart finds it again). */
export interface DatasetPlan {
  key: string;
  name: string;
  kind: 'MNIST' | 'FASHION_MNIST' | 'SYNTHETIC_DOMAIN' | 'DOMAINNET' | 'CHEXPERT' | 'IMAGE_FOLDER';
  domain: string | null;
  root: string | null;
  classes: string[];
  imageShape: [number, number, number];
  trainSize: number;
  testSize: number;
  task: 'MULTICLASS' | 'MULTILABEL';
  spec: Record<string, unknown>;
}

export interface StudyPlan {
  scale: Scale;
  name: string;
  source: DatasetPlan;
  targets: DatasetPlan[];
  model: { depth: number; width: number };
  pretrain: { epochs: number; trainExamples: number; learningRate: number; batchSize: number };
  /**
   * Fine-tunes, P-T and RI-T alike: the same learning rate, batch and criterion. Each trains until its training loss
   * plateaus (then one epoch at lr/10), at most `epochs` epochs; speed is measured over the first `speedEpochs`.
   */
  finetune: {
    epochs: number;
    trainExamples: number;
    learningRate: number;
    batchSize: number;
    minEpochs: number;
    speedEpochs: number;
    plateauTolerance: number;
    plateauWindow: number;
    /** Global gradient-norm clip (Fixup RI-T diverged on the far domain without it, one seed in three). */
    maxGradNorm: number;
  };
  seeds: number[];
  blockSizes: number[];
  blockSeeds: number[];
  sweepSeeds: number[];
  /** Test examples the analyses use. */
  examples: number;
  barrierPoints: number;
  criticality: { alphas: number[]; sigmas: number[]; noiseSamples: number };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const FASHION = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Sizes per scale: [pretrain train, test, epochs, fine-tune train, epochs, width]. */
const SIZES: Record<
  Scale,
  {
    pt: number;
    test: number;
    ptEpochs: number;
    ft: number;
    ftEpochs: number;
    width: number;
    examples: number;
  }
> = {
  // ftEpochs is the cap: fine-tunes stop earlier once their training loss plateaus (RI-T needs ~12 epochs of 2,000)
  tiny: { pt: 512, test: 256, ptEpochs: 2, ft: 256, ftEpochs: 3, width: 4, examples: 128 },
  small: { pt: 8000, test: 1000, ptEpochs: 4, ft: 2000, ftEpochs: 20, width: 8, examples: 1000 },
  medium: { pt: 20000, test: 2000, ptEpochs: 5, ft: 4000, ftEpochs: 20, width: 16, examples: 2000 },
  // the mnist package holds 10,000 digits in all: a target's train + test must fit in them
  large: { pt: 60000, test: 4000, ptEpochs: 10, ft: 6000, ftEpochs: 20, width: 16, examples: 4000 },
};

/** The named datasets `--source` / `--target` accept (folders on disk via `kind:path`, e.g. `domainnet:/data/dn/clipart`). */
export function datasetPlan(spec: string, scale: Scale, role: 'source' | 'target'): DatasetPlan {
  const s = SIZES[scale];
  const train = role === 'source' ? s.pt : s.ft;
  const common = {
    root: null,
    task: 'MULTICLASS' as const,
    imageShape: [28, 28, 1] as [number, number, number],
    testSize: s.test,
  };
  const lower = spec.toLowerCase();
  if (lower === 'fashion-mnist' || lower === 'fashion_mnist')
    return {
      ...common,
      key: 'fashion-mnist',
      name: `Fashion-MNIST (${scale})`,
      kind: 'FASHION_MNIST',
      domain: null,
      classes: FASHION,
      trainSize: train,
      spec: { kind: 'FASHION_MNIST', trainSize: train, testSize: s.test },
    };
  if (lower === 'mnist')
    return {
      ...common,
      key: 'mnist',
      name: `MNIST (${scale})`,
      kind: 'MNIST',
      domain: null,
      classes: DIGITS,
      trainSize: train,
      spec: { kind: 'MNIST', trainSize: train, testSize: s.test },
    };
  const synthetic = /^synthetic[:/-](photo|clipart|sketch|quickdraw|painting)$/.exec(lower);
  if (synthetic) {
    const domain = synthetic[1]!;
    return {
      ...common,
      key: `synthetic-${domain}`,
      name: `Synthetic ${domain} (${scale})`,
      kind: 'SYNTHETIC_DOMAIN',
      domain,
      classes: [
        'circle',
        'square',
        'triangle',
        'star',
        'plus',
        'heart',
        'house',
        'arrow',
        'moon',
        'lightning',
      ],
      trainSize: train,
      spec: { kind: 'SYNTHETIC_DOMAIN', domain, trainSize: train, testSize: s.test, side: 28, channels: 1 },
    };
  }
  const disk = /^(domainnet|chexpert|image-folder|imagefolder):(.+)$/i.exec(spec);
  if (disk) {
    const kind =
      disk[1]!.toLowerCase() === 'domainnet'
        ? 'DOMAINNET'
        : disk[1]!.toLowerCase() === 'chexpert'
          ? 'CHEXPERT'
          : 'IMAGE_FOLDER';
    const root = disk[2]!;
    return {
      key: `${kind.toLowerCase()}-${root}`,
      name: `${kind} ${root} (${scale})`,
      kind,
      domain: kind === 'DOMAINNET' ? (root.split('/').filter(Boolean).at(-1) ?? null) : null,
      root,
      task: kind === 'CHEXPERT' ? 'MULTILABEL' : 'MULTICLASS',
      classes:
        kind === 'CHEXPERT'
          ? ['Atelectasis', 'Cardiomegaly', 'Consolidation', 'Edema', 'Pleural Effusion']
          : [],
      imageShape: [28, 28, 1],
      trainSize: train,
      testSize: s.test,
      spec: { kind, root, trainSize: train, testSize: s.test, side: 28, channels: 1 },
    };
  }
  throw new Error(
    `unknown dataset '${spec}': use mnist, fashion-mnist, synthetic:<photo|clipart|sketch|quickdraw|painting>, or domainnet:/path, chexpert:/path, image-folder:/path`,
  );
}

/** The default study: pretrain on the source, fine-tune on a near and a far target, sweeps and every analysis. */
export function studyPlan(options: { scale?: Scale; source?: string; targets?: string[] } = {}): StudyPlan {
  const scale = options.scale ?? 'small';
  const s = SIZES[scale];
  const source = datasetPlan(options.source ?? 'fashion-mnist', scale, 'source');
  const targets = (options.targets ?? ['mnist', 'synthetic:quickdraw']).map((t) =>
    datasetPlan(t, scale, 'target'),
  );
  const tiny = scale === 'tiny';
  return {
    scale,
    name: `Default study: ${source.key} → ${targets.map((t) => t.key).join(', ')} (${scale})`,
    source,
    targets,
    model: { depth: 8, width: s.width },
    pretrain: { epochs: s.ptEpochs, trainExamples: s.pt, learningRate: 0.05, batchSize: 64 },
    finetune: {
      epochs: s.ftEpochs,
      trainExamples: s.ft,
      learningRate: 0.03,
      batchSize: tiny ? 64 : 32,
      minEpochs: tiny ? 1 : 3,
      speedEpochs: tiny ? 1 : 2,
      plateauTolerance: 0.05,
      plateauWindow: tiny ? 1 : 2,
      maxGradNorm: 2,
    },
    seeds: [0, 1, 2],
    // block 1 moves single pixels: on 1-channel images it is the same permutation family as "*" (0), so one of them
    // and 7, 2, "*" span the shuffles (the none row is the fourth point of each seed's curve)
    blockSizes: tiny ? [7, 0] : [7, 2, 0],
    blockSeeds: [0, 1],
    sweepSeeds: [0, 1],
    examples: s.examples,
    barrierPoints: tiny ? 5 : 11,
    criticality: tiny
      ? { alphas: [0.5, 1], sigmas: [0.1, 0.5], noiseSamples: 2 }
      : scale === 'small'
        ? // trained to a plateau the final loss is small, so (1 + ε)·L leaves little room: σ has to go small too,
          // or every module comes out infinitely critical (no feasible point; measured with σ ≥ 0.05)
          { alphas: [0.25, 0.5, 0.75, 1], sigmas: [0.001, 0.003, 0.01, 0.03], noiseSamples: 2 }
        : {
            alphas: [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
            sigmas: [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
            noiseSamples: 10,
          },
  };
}
