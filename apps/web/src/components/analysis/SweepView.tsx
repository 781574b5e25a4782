'use client';

import { toCsv } from '../../lib/csv';
import { fmt, pct } from '../../lib/format';
import type { CheckpointSweepResult } from '../../lib/types';
import { Chart } from '../Chart';
import { Figure } from '../Figure';
import { PT, RIT } from '../palette';

export function SweepView({ r }: { r: CheckpointSweepResult }) {
  const x = r.points.map((p) => p.epoch);
  const base = r.randomInit?.accuracy.mean ?? null;
  return (
    <>
      <p className="sub">
        Fine-tuned from checkpoints of one pretraining run (seeds {r.seeds.join(', ')}). The paper finds late
        checkpoints transfer about as well as the final one.
      </p>
      <Figure
        kind="checkpoint-sweep"
        title="Target accuracy against the pretraining epoch fine-tuned from"
        file="checkpoint-sweep"
        csv={() =>
          toCsv(
            [
              'epoch',
              'step',
              'checkpoint',
              'accuracy mean',
              'accuracy std',
              'speed mean',
              'random-init accuracy',
            ],
            r.points.map((p) => [
              p.epoch,
              p.step,
              p.checkpointId,
              p.accuracy.mean,
              p.accuracy.std,
              p.speed.mean,
              base,
            ]),
          )
        }
      >
        <Chart
          title="Final target accuracy per pretraining checkpoint, with the random-init baseline"
          x={x}
          ys={[
            r.points.map((p) => p.accuracy.mean),
            r.points.map((p) => p.accuracy.mean - p.accuracy.std),
            r.points.map((p) => p.accuracy.mean + p.accuracy.std),
            r.points.map(() => base),
          ]}
          series={[
            { label: 'P-T accuracy', color: PT, width: 2, points: true },
            { label: '−std', color: PT, bandEdge: true },
            { label: '+std', color: PT, bandEdge: true },
            { label: 'RI-T baseline', color: RIT, dash: [6, 4] },
          ]}
          bands={[{ upper: 2, lower: 1, color: PT }]}
          xLabel="pretraining epoch"
          yLabel="target test accuracy"
          height={300}
        />
      </Figure>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">
                Epoch
              </th>
              <th scope="col" className="num">
                Accuracy
              </th>
              <th scope="col" className="num">
                Speed
              </th>
              <th scope="col" className="num">
                Runs
              </th>
            </tr>
          </thead>
          <tbody>
            {r.points.map((p) => (
              <tr key={p.checkpointId}>
                <td className="num">{fmt(p.epoch, 2)}</td>
                <td className="num">
                  {pct(p.accuracy.mean)} ± {pct(p.accuracy.std)}
                </td>
                <td className="num">{pct(p.speed.mean)}</td>
                <td className="num">{p.runIds.length}</td>
              </tr>
            ))}
            {r.randomInit ? (
              <tr>
                <td>random init</td>
                <td className="num">
                  {pct(r.randomInit.accuracy.mean)} ± {pct(r.randomInit.accuracy.std)}
                </td>
                <td className="num">{pct(r.randomInit.speed.mean)}</td>
                <td className="num">{r.randomInit.runIds.length}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
