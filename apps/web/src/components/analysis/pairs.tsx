'use client';

import { pairLabel } from '../../lib/format';
import type { ModelRef } from '../../lib/types';

/** How a compared pair is named everywhere: "A vs B (P-T / P-T)". */
export const pairName = (p: { a: ModelRef; b: ModelRef; pairType: Parameters<typeof pairLabel>[0] }) =>
  `${p.a.label} vs ${p.b.label} (${pairLabel(p.pairType)})`;

/** A select between pairs, when there is more than one. */
export function PairSelect({
  pairs,
  value,
  onChange,
  id,
}: {
  pairs: string[];
  value: number;
  onChange: (i: number) => void;
  id: string;
}) {
  if (pairs.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>Pair</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {pairs.map((p, i) => (
          <option key={p} value={i}>
            {p}
          </option>
        ))}
      </select>
    </div>
  );
}
