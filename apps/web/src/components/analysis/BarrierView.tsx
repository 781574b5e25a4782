'use client';

import { barrierAt } from '../../lib/barrier';
import { toCsv } from '../../lib/csv';
import { fmt, pct } from '../../lib/format';
import type { BarrierResult } from '../../lib/types';
import { Chart } from '../Chart';
import { Figure } from '../Figure';
import { PT, RIT } from '../palette';
import { pairName } from './pairs';

export function BarrierView({ r }: { r: BarrierResult }) {
  return (
    <>
      <p className="sub">
        Loss and error of θ(λ) = (1−λ)θ_A + λθ_B on the {r.split} split. The barrier is the largest rise above
        the straight line between the ends (dashed); no barrier means both models sit in one basin.
      </p>
      {r.pairs.map((p, i) => {
        const at = barrierAt(p.loss, p.lambdas);
        const lin = p.lambdas.map((l) => (1 - l) * (p.loss[0] ?? 0) + l * (p.loss.at(-1) ?? 0));
        const linErr = p.lambdas.map((l) => (1 - l) * (p.error[0] ?? 0) + l * (p.error.at(-1) ?? 0));
        return (
          <Figure
            key={pairName(p)}
            kind="barrier"
            title={`Barrier: ${pairName(p)} — loss barrier ${fmt(p.lossBarrier)}, error barrier ${pct(p.errorBarrier)}`}
            file={`barrier-${i}`}
            csv={() =>
              toCsv(
                ['lambda', 'loss', 'error', 'loss (linear)', 'error (linear)'],
                p.lambdas.map((l, k) => [l, p.loss[k], p.error[k], lin[k], linErr[k]]),
              )
            }
          >
            <Chart
              title={`Loss and error along the line from ${p.a.label} to ${p.b.label}`}
              x={p.lambdas}
              ys={[p.loss, lin, p.error, linErr]}
              series={[
                { label: 'loss', color: PT, width: 2, points: true },
                { label: 'loss, linear', color: PT, dash: [5, 4] },
                { label: 'error', color: RIT, width: 2, points: true, scale: 'y2' },
                { label: 'error, linear', color: RIT, dash: [5, 4], scale: 'y2' },
              ]}
              xLabel="λ"
              yLabel="loss"
              y2Label="error"
              height={260}
              markers={[
                { x: p.lambdas[at.index] ?? 0.5, label: `barrier ${fmt(p.lossBarrier)}`, color: '#c62828' },
              ]}
            />
          </Figure>
        );
      })}
    </>
  );
}
