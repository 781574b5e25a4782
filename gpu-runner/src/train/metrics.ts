/** Evaluation metrics computed in plain JS (float64) from model outputs. */

/** Fraction of rows whose arg-max logit is the label. */
export function accuracy(logits: Float32Array, labels: Int32Array, classes: number): number {
  const n = labels.length;
  if (n === 0) return Number.NaN;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = logits[i * classes]!;
    for (let k = 1; k < classes; k++) {
      const v = logits[i * classes + k]!;
      if (v > bestV) {
        bestV = v;
        best = k;
      }
    }
    if (best === labels[i]) correct++;
  }
  return correct / n;
}

/**
 * Area under the ROC curve of `scores` for binary `targets` (0/1): the probability that a random positive scores
 * above a random negative, ties counting one half (Mann–Whitney U with mid-ranks). NaN when one class is absent.
 */
export function rocAuc(scores: ArrayLike<number>, targets: ArrayLike<number>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (targets[idx[k]!]! > 0.5) {
        pos++;
        rankSum += midRank;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Per-label ROC AUC for a multilabel output ([n, k] scores and 0/1 targets) and their mean over the labels where
 * it is defined (both classes present).
 */
export function meanRocAuc(
  scores: Float32Array,
  targets: Float32Array | Int32Array,
  k: number,
): { mean: number; perLabel: number[] } {
  const n = scores.length / k;
  const perLabel: number[] = [];
  for (let j = 0; j < k; j++) {
    const s = new Float64Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = scores[i * k + j]!;
      t[i] = targets[i * k + j]!;
    }
    perLabel.push(rocAuc(s, t));
  }
  const defined = perLabel.filter((a) => !Number.isNaN(a));
  return {
    mean: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN,
    perLabel,
  };
}
