'use client';

import { toCsv } from '../../lib/csv';
import { fmt, pct } from '../../lib/format';
import type { BlockShuffleResult } from '../../lib/types';
import { Chart } from '../Chart';
import { Figure } from '../Figure';
import { PT, RIT } from '../palette';

export function BlockShuffleView({ r }: { r: BlockShuffleResult }) {
  const x = r.rows.map((_, i) => i);
  const lab = (v: number) => r.rows[Math.round(v)]?.label ?? '';
  const rows = r.rows;
  return (
    <>
      <p className="sub">
        Target images cut into b×b blocks and shuffled (one permutation per seed; “*” shuffles every pixel).
        Feature reuse shows as P-T's lead shrinking when blocks get small. Seeds: {r.seeds.join(', ')}.
      </p>
      <Figure
        kind="block-shuffle"
        title="Accuracy and relative drop against block size"
        file="block-shuffle"
        csv={() =>
          toCsv(
            [
              'block size',
              'P-T accuracy mean',
              'P-T std',
              'RI-T accuracy mean',
              'RI-T std',
              'relative drop % mean',
              'relative drop std',
              'P-T speed',
              'RI-T speed',
            ],
            rows.map((w) => [
              w.label,
              w.pretrainedAccuracy.mean,
              w.pretrainedAccuracy.std,
              w.randomAccuracy.mean,
              w.randomAccuracy.std,
              w.relativeDrop.mean,
              w.relativeDrop.std,
              w.pretrainedSpeed.mean,
              w.randomSpeed.mean,
            ]),
          )
        }
      >
        <Chart
          title="Final test accuracy of P-T and RI-T, and the relative drop, against block size"
          x={x}
          ys={[
            rows.map((w) => w.pretrainedAccuracy.mean),
            rows.map((w) => w.pretrainedAccuracy.mean - w.pretrainedAccuracy.std),
            rows.map((w) => w.pretrainedAccuracy.mean + w.pretrainedAccuracy.std),
            rows.map((w) => w.randomAccuracy.mean),
            rows.map((w) => w.randomAccuracy.mean - w.randomAccuracy.std),
            rows.map((w) => w.randomAccuracy.mean + w.randomAccuracy.std),
            rows.map((w) => w.relativeDrop.mean),
          ]}
          series={[
            { label: 'P-T accuracy', color: PT, width: 2, points: true },
            { label: 'P-T −std', color: PT, bandEdge: true },
            { label: 'P-T +std', color: PT, bandEdge: true },
            { label: 'RI-T accuracy', color: RIT, width: 2, points: true },
            { label: 'RI-T −std', color: RIT, bandEdge: true },
            { label: 'RI-T +std', color: RIT, bandEdge: true },
            { label: 'relative drop %', color: '#555', dash: [5, 4], points: true, scale: 'y2' },
          ]}
          bands={[
            { upper: 2, lower: 1, color: PT },
            { upper: 5, lower: 4, color: RIT },
          ]}
          xLabel="block size"
          yLabel="test accuracy"
          y2Label="relative drop (%)"
          xTick={lab}
          xAtData
          height={300}
        />
      </Figure>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Block size</th>
              <th scope="col" className="num">
                P-T accuracy
              </th>
              <th scope="col" className="num">
                RI-T accuracy
              </th>
              <th scope="col" className="num">
                Relative drop
              </th>
              <th scope="col" className="num">
                P-T speed
              </th>
              <th scope="col" className="num">
                RI-T speed
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <tr key={w.label}>
                <th scope="row">{w.label}</th>
                <td className="num">
                  {pct(w.pretrainedAccuracy.mean)} ± {pct(w.pretrainedAccuracy.std)}
                </td>
                <td className="num">
                  {pct(w.randomAccuracy.mean)} ± {pct(w.randomAccuracy.std)}
                </td>
                <td className="num">
                  {fmt(w.relativeDrop.mean, 1)}% ± {fmt(w.relativeDrop.std, 1)}
                </td>
                <td className="num">{pct(w.pretrainedSpeed.mean)}</td>
                <td className="num">{pct(w.randomSpeed.mean)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
