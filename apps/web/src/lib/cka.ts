import { meanStd } from './series';
import type { CkaPair } from './types';

/** Mean CKA of a pair over the modules both models have (the diagonal of the module × module matrix). */
export function diagonalCka(p: CkaPair): number | null {
  const vals: number[] = [];
  p.modulesA.forEach((m, i) => {
    const j = p.modulesB.indexOf(m);
    const v = j >= 0 ? p.values[i]?.[j] : undefined;
    if (typeof v === 'number') vals.push(v);
  });
  return meanStd(vals)?.mean ?? null;
}
