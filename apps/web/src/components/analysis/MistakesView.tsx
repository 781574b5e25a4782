'use client';

import { useState } from 'react';
import { matrixCsv, toCsv } from '../../lib/csv';
import { pairLabel, pct } from '../../lib/format';
import type { MistakesResult } from '../../lib/types';
import { Figure } from '../Figure';
import { Heatmap } from '../Heatmap';
import { Empty } from '../States';
import { PairSelect, pairName } from './pairs';

export function MistakesView({ r }: { r: MistakesResult }) {
  const [i, setI] = useState(0);
  const p = r.pairs[i];
  if (!p) return <Empty title="This analysis compared no pairs." />;
  const bothRight = r.examples - p.common - p.onlyA - p.onlyB;
  const m = [
    [bothRight, p.onlyB],
    [p.onlyA, p.common],
  ];
  const header = [
    'pair',
    'type',
    'common (both wrong)',
    'only A wrong',
    'only B wrong',
    'accuracy A',
    'accuracy B',
    'agreement',
    'same wrong class',
  ];
  return (
    <>
      <p className="sub">
        On {r.examples.toLocaleString('en')} test examples. Common mistakes are made by both models; uncommon
        ones by exactly one. The paper finds P-T/P-T pairs share more mistakes than RI-T/RI-T pairs.
      </p>
      <PairSelect id="mistakes-pair" pairs={r.pairs.map(pairName)} value={i} onChange={setI} />
      <Figure
        kind="mistakes-matrix"
        title={`Mistakes matrix: ${pairName(p)}`}
        file={`mistakes-${i}`}
        csv={() =>
          matrixCsv(`${p.a.label} \\ ${p.b.label}`, ['A right', 'A wrong'], ['B right', 'B wrong'], m)
        }
      >
        <Heatmap
          title={`Mistakes matrix, ${pairName(p)}`}
          rows={[`${p.a.label} right`, `${p.a.label} wrong`]}
          cols={[`${p.b.label} right`, `${p.b.label} wrong`]}
          values={m}
          min={0}
          max={r.examples}
          format={(v) => v.toLocaleString('en')}
          cell={110}
        />
      </Figure>
      <Figure
        kind="mistakes-table"
        title="Mistakes per pair"
        file="mistakes-table"
        csv={() =>
          toCsv(
            header,
            r.pairs.map((q) => [
              pairName(q),
              q.pairType,
              q.common,
              q.onlyA,
              q.onlyB,
              q.accuracyA,
              q.accuracyB,
              q.agreement,
              q.wrongAgreement,
            ]),
          )
        }
      >
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                {header.map((h, k) => (
                  <th key={h} scope="col" className={k > 1 ? 'num' : ''}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.pairs.map((q) => (
                <tr key={pairName(q)}>
                  <td>
                    {q.a.label} vs {q.b.label}
                  </td>
                  <td>{pairLabel(q.pairType)}</td>
                  <td className="num">{q.common}</td>
                  <td className="num">{q.onlyA}</td>
                  <td className="num">{q.onlyB}</td>
                  <td className="num">{pct(q.accuracyA)}</td>
                  <td className="num">{pct(q.accuracyB)}</td>
                  <td className="num">{pct(q.agreement)}</td>
                  <td className="num">{pct(q.wrongAgreement)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Figure>
    </>
  );
}
