'use client';

import { useState } from 'react';
import { matrixCsv, toCsv } from '../lib/csv';
import { diagonalCka } from '../lib/findings';
import { fmt, pairLabel, pct } from '../lib/format';
import type {
  BarrierResult,
  BlockShuffleResult,
  CheckpointSweepResult,
  CkaResult,
  MistakesResult,
  ModelRef,
  ModuleCriticalityResult,
  ParamDistanceResult,
} from '../lib/types';
import { Chart } from './Chart';
import { Figure } from './Figure';
import { Heatmap } from './Heatmap';
import { PT, RIT } from './palette';
import { Empty } from './States';

const pairName = (p: { a: ModelRef; b: ModelRef; pairType: Parameters<typeof pairLabel>[0] }) =>
  `${p.a.label} vs ${p.b.label} (${pairLabel(p.pairType)})`;

/** A select between pairs, when there is more than one. */
function PairSelect({
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
