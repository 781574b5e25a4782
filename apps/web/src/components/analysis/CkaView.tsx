'use client';

import { useState } from 'react';
import { diagonalCka } from '../../lib/cka';
import { matrixCsv, toCsv } from '../../lib/csv';
import { fmt } from '../../lib/format';
import type { CkaResult } from '../../lib/types';
import { Figure } from '../Figure';
import { Heatmap } from '../Heatmap';
import { Empty } from '../States';
import { PairSelect, pairName } from './pairs';

export function CkaView({ r }: { r: CkaResult }) {
  const [i, setI] = useState(0);
  const p = r.pairs[i];
  if (!p) return <Empty title="This CKA analysis compared no pairs." />;
  const modules = [...new Set(r.pairs.flatMap((q) => q.modulesA.filter((m) => q.modulesB.includes(m))))];
  const same = (q: CkaResult['pairs'][number], m: string) => {
    const a = q.modulesA.indexOf(m);
    const b = q.modulesB.indexOf(m);
    return a >= 0 && b >= 0 ? (q.values[a]?.[b] ?? null) : null;
  };
  return (
    <>
      <p className="sub">
        {r.debiased ? 'Debiased' : 'Linear'} CKA on {r.examples.toLocaleString('en')} {r.split} examples. 1 =
        the same features up to rotation and scale, 0 = unrelated.
      </p>
      <PairSelect id="cka-pair" pairs={r.pairs.map(pairName)} value={i} onChange={setI} />
      <Figure
        kind="cka-heatmap"
        title={`CKA per module: ${pairName(p)}`}
        file={`cka-${i}`}
        csv={() => matrixCsv(`${p.a.label} \\ ${p.b.label}`, p.modulesA, p.modulesB, p.values)}
      >
        <Heatmap
          title={`CKA heatmap, ${pairName(p)}`}
          rows={p.modulesA}
          cols={p.modulesB}
          values={p.values}
          min={0}
          max={1}
          rowLabel={p.a.label}
          colLabel={p.b.label}
        />
      </Figure>
      <Figure
        kind="cka-table"
        title="CKA of the same module, per pair"
        file="cka-table"
        csv={() =>
          toCsv(
            ['module', ...r.pairs.map(pairName)],
            modules.map((m) => [m, ...r.pairs.map((q) => same(q, m))]),
          )
        }
      >
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Module</th>
                {r.pairs.map((q) => (
                  <th key={pairName(q)} scope="col" className="num">
                    {pairName(q)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {modules.map((m) => (
                <tr key={m}>
                  <th scope="row">{m}</th>
                  {r.pairs.map((q) => (
                    <td key={pairName(q)} className="num">
                      {fmt(same(q, m))}
                    </td>
                  ))}
                </tr>
              ))}
              <tr>
                <th scope="row">mean</th>
                {r.pairs.map((q) => (
                  <td key={pairName(q)} className="num">
                    <strong>{fmt(diagonalCka(q))}</strong>
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      </Figure>
    </>
  );
}
