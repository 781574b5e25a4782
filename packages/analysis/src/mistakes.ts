/**
 * Mistakes of two models on the same test set: which examples both get wrong (common), which only one gets wrong
 * (uncommon, per side), and how often they agree.
 */
import { AnalysisInputError, asRows, type Tensor } from './tensor';

/** Counts for one pair of models (or one label of a multilabel task). */
export interface MistakeCounts {
  /** Examples (or example–label pairs). */
  n: number;
  /** Wrong by both models. */
  common: number;
  /** Wrong by A only. */
  onlyA: number;
  /** Wrong by B only. */
  onlyB: number;
  /** Right by both. */
  bothCorrect: number;
  /** `onlyA + onlyB`: wrong by exactly one. */
  uncommon: number;
  accuracyA: number;
  accuracyB: number;
  /** Fraction of examples where A and B predict the same (class, or label bit). */
  agreement: number;
  /** `common / (common + uncommon)`: of the examples either gets wrong, the share both get wrong (NaN if none). */
  commonShare: number;
}

/** Multilabel result: totals over all example–label pairs, plus the same counts per label. */
export interface MultilabelMistakes extends MistakeCounts {
  perLabel: MistakeCounts[];
  threshold: number;
}

function counts(n: number, wrongA: Uint8Array, wrongB: Uint8Array, same: Uint8Array): MistakeCounts {
  let common = 0;
  let onlyA = 0;
  let onlyB = 0;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const a = wrongA[i]!;
    const b = wrongB[i]!;
    if (a && b) common++;
    else if (a) onlyA++;
    else if (b) onlyB++;
    agree += same[i]!;
  }
  const bothCorrect = n - common - onlyA - onlyB;
  return {
    n,
    common,
    onlyA,
    onlyB,
    bothCorrect,
    uncommon: onlyA + onlyB,
    accuracyA: (n - common - onlyA) / n,
    accuracyB: (n - common - onlyB) / n,
    agreement: agree / n,
    commonShare: common / (common + onlyA + onlyB),
  };
}

/**
 * Class predictions from `(n,)` class ids or `(n, C)` scores (logits or probabilities; argmax, first maximum on
 * ties, as NumPy does).
 */
export function predictedClasses(t: Tensor, name: string): Int32Array {
  const { n, d } = asRows(t, name);
  const out = new Int32Array(n);
  const x = t.data;
  if (t.shape.length === 1) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (!Number.isInteger(v) || v < 0) {
        throw new AnalysisInputError(
          `${name}: value ${v} at index ${i} is not a class id (non-negative integer)`,
        );
      }
      out[i] = v;
    }
    return out;
  }
  if (t.shape.length !== 2 || d === 0) {
    throw new AnalysisInputError(
      `${name}: expected (n,) class ids or (n, classes) scores, got shape [${t.shape}]`,
    );
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = -Infinity;
    for (let c = 0; c < d; c++) {
      const v = x[i * d + c]!;
      if (Number.isNaN(v)) throw new AnalysisInputError(`${name}: NaN score at example ${i}, class ${c}`);
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

function checkN(n: number, others: [Tensor, string][]): void {
  if (n === 0) throw new AnalysisInputError(`${others[0]![1]}: empty array (0 examples)`);
  for (const [t, name] of others) {
    if (t.shape[0] !== n) {
      throw new AnalysisInputError(`${name} has ${t.shape[0]} examples but ${others[0]![1]} has ${n}`);
    }
  }
}

/**
 * Multiclass mistakes: labels are `(n,)` class ids or `(n, C)` one-hot rows; A and B are `(n,)` predictions or
 * `(n, C)` scores (argmax).
 *
 * @param names - For error messages: labels, A, B (default `labels`, `A`, `B`).
 */
export function multiclassMistakes(
  labels: Tensor,
  a: Tensor,
  b: Tensor,
  names: [string, string, string] = ['labels', 'A', 'B'],
): MistakeCounts {
  const y = predictedClasses(labels, names[0]);
  const n = y.length;
  checkN(n, [
    [labels, names[0]],
    [a, names[1]],
    [b, names[2]],
  ]);
  const pa = predictedClasses(a, names[1]);
  const pb = predictedClasses(b, names[2]);
  const wa = new Uint8Array(n);
  const wb = new Uint8Array(n);
  const same = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    wa[i] = pa[i] !== y[i] ? 1 : 0;
    wb[i] = pb[i] !== y[i] ? 1 : 0;
    same[i] = pa[i] === pb[i] ? 1 : 0;
  }
  return counts(n, wa, wb, same);
}

/**
 * Multilabel mistakes: labels `(n, L)` of 0/1; A and B `(n, L)` scores, a label predicted present when its score
 * is ≥ `threshold` (default 0.5; use 0 for logits). Totals count every example–label pair.
 */
export function multilabelMistakes(
  labels: Tensor,
  a: Tensor,
  b: Tensor,
  threshold = 0.5,
  names: [string, string, string] = ['labels', 'A', 'B'],
): MultilabelMistakes {
  if (labels.shape.length !== 2)
    throw new AnalysisInputError(`${names[0]}: multilabel labels must be (n, labels)`);
  const { n, d: L } = asRows(labels, names[0]);
  checkN(n, [
    [labels, names[0]],
    [a, names[1]],
    [b, names[2]],
  ]);
  for (const [t, name] of [
    [a, names[1]],
    [b, names[2]],
  ] as const) {
    if (t.shape.length !== 2 || t.shape[1] !== L) {
      throw new AnalysisInputError(`${name}: expected shape [${n}, ${L}] like the labels, got [${t.shape}]`);
    }
  }
  const size = n * L;
  const wa = new Uint8Array(size);
  const wb = new Uint8Array(size);
  const same = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const y = labels.data[i]!;
    if (y !== 0 && y !== 1) {
      throw new AnalysisInputError(
        `${names[0]}: value ${y} at example ${Math.floor(i / L)}, label ${i % L} is not 0/1`,
      );
    }
    const va = a.data[i]!;
    const vb = b.data[i]!;
    if (Number.isNaN(va) || Number.isNaN(vb)) {
      throw new AnalysisInputError(
        `${Number.isNaN(va) ? names[1] : names[2]}: NaN at example ${Math.floor(i / L)}`,
      );
    }
    const pa = va >= threshold ? 1 : 0;
    const pb = vb >= threshold ? 1 : 0;
    wa[i] = pa !== y ? 1 : 0;
    wb[i] = pb !== y ? 1 : 0;
    same[i] = pa === pb ? 1 : 0;
  }
  const perLabel: MistakeCounts[] = [];
  const la = new Uint8Array(n);
  const lb = new Uint8Array(n);
  const ls = new Uint8Array(n);
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < n; i++) {
      la[i] = wa[i * L + l]!;
      lb[i] = wb[i * L + l]!;
      ls[i] = same[i * L + l]!;
    }
    perLabel.push(counts(n, la, lb, ls));
  }
  return { ...counts(size, wa, wb, same), perLabel, threshold };
}
