'use client';

import { useState } from 'react';
import { matrixCsv, toCsv } from '../../lib/csv';
import { fmt, pct } from '../../lib/format';
import type { ModuleCriticalityResult } from '../../lib/types';
import { Figure } from '../Figure';
import { Heatmap } from '../Heatmap';

export function CriticalityView({ r }: { r: ModuleCriticalityResult }) {
  const [s, setS] = useState(0);
  const modules = r.modules.map((m) => m.module);
  const values = r.modules.map((m) => r.alphas.map((_, a) => m.meanLoss[a]?.[s] ?? null));
  return (
    <>
      <p className="sub">
        Each module moved back towards its initial weights (α, 1 = final) with Gaussian noise σ, all others
        final. A module is critical when little movement already raises the loss above (1+ε)·L ={' '}
        {fmt(r.finalLoss * (1 + r.epsilon))} (ε = {r.epsilon}, {r.noiseSamples} noise samples). Final accuracy{' '}
        {pct(r.finalAccuracy)}.
      </p>
      <div className="field">
        <label htmlFor="sigma">Noise σ</label>
        <select id="sigma" value={s} onChange={(e) => setS(Number(e.target.value))}>
          {r.sigmas.map((v, k) => (
            <option key={v} value={k}>
              {v}
            </option>
          ))}
        </select>
      </div>
      <Figure
        kind="criticality-heatmap"
        title={`Mean loss per module and α (σ = ${r.sigmas[s]})`}
        file="module-criticality"
        csv={() => matrixCsv('module \\ alpha', modules, r.alphas.map(String), values)}
      >
        <Heatmap
          title="Module criticality heatmap"
          rows={modules}
          cols={r.alphas.map((a) => `α ${a}`)}
          values={values}
          min={r.finalLoss}
          max={Math.max(r.finalLoss * 2, ...values.flat().filter((v): v is number => v !== null))}
          cell={44}
          rowLabel="module"
          colLabel="α"
        />
      </Figure>
      <Figure
        kind="criticality-table"
        title="Criticality per module"
        file="criticality-table"
        csv={() =>
          toCsv(
            [
              'module',
              'criticality',
              'best alpha',
              'best sigma',
              'distance',
              'rewind loss',
              'rewind accuracy',
            ],
            r.modules.map((m) => [
              m.module,
              m.criticality,
              m.bestAlpha,
              m.bestSigma,
              m.distance,
              m.rewindLoss,
              m.rewindAccuracy,
            ]),
          )
        }
      >
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Module</th>
                <th scope="col" className="num">
                  Criticality μ
                </th>
                <th scope="col" className="num">
                  ‖θ^F − θ⁰‖
                </th>
                <th scope="col" className="num">
                  Rewound: accuracy
                </th>
                <th scope="col" className="num">
                  Rewound: loss
                </th>
              </tr>
            </thead>
            <tbody>
              {r.modules.map((m) => (
                <tr key={m.module}>
                  <th scope="row">{m.module}</th>
                  <td className="num">
                    {m.criticality === null ? '∞ (no feasible point)' : fmt(m.criticality, 3)}
                  </td>
                  <td className="num">{fmt(m.distance, 2)}</td>
                  <td className="num">{pct(m.rewindAccuracy)}</td>
                  <td className="num">{fmt(m.rewindLoss)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Figure>
    </>
  );
}
