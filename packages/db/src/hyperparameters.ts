/**
 * The training settings a run stores (`runs.hyperparameters`), declared once with their bounds and defaults: the
 * API checks a request with them and the runner checks a job with them, so a bound changed here changes both and
 * both refuse a bad value with the same message; the dashboard's launch forms check with the same rules
 * (`@basin/db/hyperparameters`: this module imports nothing, so it is safe in a browser bundle).
 */

/** A numeric setting: its kind, its range (inclusive unless open) and its default (absent: optional, not stored). */
export interface NumberRule {
  kind: 'int' | 'number';
  min: number;
  max: number;
  openMin?: boolean;
  openMax?: boolean;
  default?: number;
  description: string;
}

const INT_MAX = 2 ** 31 - 1;

/** Every numeric hyperparameter. The GraphQL input (`HyperparametersInput`) has one field per entry. */
export const HYPERPARAMETER_RULES = {
  epochs: {
    kind: 'int',
    min: 1,
    max: 10_000,
    default: 10,
    description: 'Epochs (the cap when untilPlateau).',
  },
  batchSize: { kind: 'int', min: 1, max: 65_536, default: 64, description: 'Examples per step.' },
  learningRate: {
    kind: 'number',
    min: 0,
    max: 10,
    openMin: true,
    default: 0.01,
    description: 'SGD learning rate.',
  },
  momentum: { kind: 'number', min: 0, max: 1, default: 0.9, description: 'SGD momentum.' },
  weightDecay: {
    kind: 'number',
    min: 0,
    max: 1,
    default: 5e-4,
    description: 'L2 weight decay (conv and fc weights).',
  },
  checkpointEvery: {
    kind: 'int',
    min: 0,
    max: 10_000,
    default: 1,
    description: 'Checkpoint every this many epochs (0 = only the initial and the final weights).',
  },
  trainExamples: { kind: 'int', min: 1, max: INT_MAX, description: 'Train on the first this many examples.' },
  lrGamma: {
    kind: 'number',
    min: 0,
    max: 1,
    openMin: true,
    description: 'Learning-rate factor at each milestone.',
  },
  maxBatchesPerEpoch: {
    kind: 'int',
    min: 1,
    max: INT_MAX,
    description: 'At most this many batches per epoch.',
  },
  maxEvalExamples: {
    kind: 'int',
    min: 1,
    max: INT_MAX,
    description: 'Evaluate on at most this many test examples.',
  },
  plateauTolerance: {
    kind: 'number',
    min: 0,
    max: 1,
    openMin: true,
    openMax: true,
    default: 0.02,
    description:
      'Plateau: largest improvement of the best training loss over the window, as a fraction of the progress so far.',
  },
  plateauWindow: {
    kind: 'int',
    min: 1,
    max: 10_000,
    default: 2,
    description: 'Plateau: epochs looked back over.',
  },
  minEpochs: {
    kind: 'int',
    min: 1,
    max: 10_000,
    default: 3,
    description: 'Plateau: epochs before it is tested.',
  },
  annealEpochs: {
    kind: 'int',
    min: 0,
    max: 10_000,
    default: 1,
    description: 'Epochs at lr × 0.1 after the plateau, then training stops.',
  },
  speedEpochs: {
    kind: 'int',
    min: 1,
    max: 10_000,
    description:
      'Optimisation speed = mean training accuracy over the first this many epochs (the same budget for P-T and RI-T); default: all epochs.',
  },
  maxGradNorm: {
    kind: 'number',
    min: 0,
    max: 1e6,
    openMin: true,
    description: 'Clip every step’s gradient to this global ℓ2 norm; the runner then logs train/grad_norm.',
  },
} as const satisfies Record<string, NumberRule>;

export type HyperparameterName = keyof typeof HYPERPARAMETER_RULES;

/** A bad setting: the field, the value and what was expected (the API turns it into BAD_USER_INPUT). */
export class HyperparameterError extends Error {
  override name = 'HyperparameterError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field}: expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  }
}

/** What a rule accepts, in words: "an integer from 1 to 10000", "a number in (0, 1)". */
export function expectedText(rule: NumberRule): string {
  if (rule.kind === 'int') return `an integer from ${rule.min} to ${rule.max}`;
  return `a number in ${rule.openMin ? '(' : '['}${rule.min}, ${rule.max}${rule.openMax ? ')' : ']'}`;
}

/** Whether `value` is a number that `rule` accepts (the dashboard's forms check with it before sending). */
export function satisfies(rule: NumberRule, value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.kind !== 'int' || Number.isInteger(value)) &&
    (rule.openMin ? value > rule.min : value >= rule.min) &&
    (rule.openMax ? value < rule.max : value <= rule.max)
  );
}

/** `value` if it satisfies `rule`, else a {@link HyperparameterError} naming `field`. */
export function checkNumber(field: string, value: unknown, rule: NumberRule): number {
  if (!satisfies(rule, value)) throw new HyperparameterError(field, value, expectedText(rule));
  return value;
}

/** The checked settings, defaults filled in where a rule has one. */
export type CheckedHyperparameters = {
  [K in HyperparameterName]: (typeof HYPERPARAMETER_RULES)[K] extends { default: number }
    ? number
    : number | null;
} & { untilPlateau: boolean; lrMilestones: number[] | null };

/**
 * Checks stored or requested settings (absent or null → the default, or null for optional ones); `field` prefixes
 * the names in errors (`hyperparameters`, `input.hyperparameters`). Also checks `optimizer` ("sgd" only),
 * `untilPlateau` (a boolean) and `lrMilestones` (integers from 1 to `epochs`).
 */
export function checkHyperparameters(
  h: Record<string, unknown>,
  field = 'hyperparameters',
): CheckedHyperparameters {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(HYPERPARAMETER_RULES) as [HyperparameterName, NumberRule][]) {
    const v = h[name] ?? rule.default ?? null;
    out[name] = v === null ? null : checkNumber(`${field}.${name}`, v, rule);
  }
  const optimizer = h.optimizer ?? 'sgd';
  if (optimizer !== 'sgd')
    throw new HyperparameterError(`${field}.optimizer`, optimizer, '"sgd" (the runner trains with SGD)');
  const untilPlateau = h.untilPlateau ?? false;
  if (typeof untilPlateau !== 'boolean')
    throw new HyperparameterError(`${field}.untilPlateau`, untilPlateau, 'a boolean');
  out.untilPlateau = untilPlateau;
  const ms = h.lrMilestones ?? null;
  if (ms !== null && !Array.isArray(ms))
    throw new HyperparameterError(`${field}.lrMilestones`, ms, 'a list of epochs');
  out.lrMilestones = ms
    ? ms.map((m, i) =>
        checkNumber(`${field}.lrMilestones[${i}]`, m, {
          kind: 'int',
          min: 1,
          max: out.epochs as number,
          description: '',
        }),
      )
    : null;
  return out as CheckedHyperparameters;
}
