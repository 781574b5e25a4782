'use client';

import { matrixCsv } from '../../lib/csv';
import { fmt } from '../../lib/format';
import type { ParamDistanceResult } from '../../lib/types';
import { Figure } from '../Figure';
import { Heatmap } from '../Heatmap';
import { pairName } from './pairs';

export function DistanceView({ r }: { r: ParamDistanceResult }) {
  const modules = [...new Set(r.pairs.flatMap((p) => p.modules.map((m) => m.module)))];
  const values = r.pairs.map((p) =>
    modules.map((m) => p.modules.find((x) => x.module === m)?.distance ?? null),
  );
  const excluded = r.pairs.flatMap((p) => p.excluded.map((e) => ({ pair: pairName(p), ...e })));
  return (
    <>
      <p className="sub">
        ℓ2 norm of the difference of the weights, per module and in total. The paper finds P-T models stay
        close to each other and to their start; RI-T models end far apart.
      </p>
      <Figure
        kind="distance-heatmap"
        title="ℓ2 distance per module"
        file="distance"
        csv={() => matrixCsv('pair', r.pairs.map(pairName), modules, values)}
      >
        <Heatmap
          title="ℓ2 distance per module and pair"
          rows={r.pairs.map(pairName)}
          cols={modules}
          values={values}
          format={(v) => v.toFixed(1)}
        />
      </Figure>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Pair</th>
              <th scope="col" className="num">
                Total ℓ2
              </th>
              <th scope="col" className="num">
                Modules compared
              </th>
            </tr>
          </thead>
          <tbody>
            {r.pairs.map((p) => (
              <tr key={pairName(p)}>
                <td>{pairName(p)}</td>
                <td className="num">
                  <strong>{fmt(p.total, 2)}</strong>
                </td>
                <td className="num">{p.modules.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {excluded.length ? (
        <p className="notice">
          Left out because their shapes differ:{' '}
          {excluded
            .map((e) => `${e.module} (${e.shapeA.join('×')} vs ${e.shapeB.join('×')}, ${e.pair})`)
            .join('; ')}
          .
        </p>
      ) : null}
    </>
  );
}
