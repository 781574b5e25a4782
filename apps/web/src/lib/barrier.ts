/** Index of the largest gap between a curve and the straight line between its ends. */
export function barrierAt(ys: readonly number[], lambdas: readonly number[]): { index: number; gap: number } {
  const y0 = ys[0] ?? 0;
  const y1 = ys.at(-1) ?? 0;
  let best = { index: 0, gap: Number.NEGATIVE_INFINITY };
  lambdas.forEach((l, i) => {
    const gap = (ys[i] ?? 0) - ((1 - l) * y0 + l * y1);
    if (gap > best.gap) best = { index: i, gap };
  });
  return best;
}
