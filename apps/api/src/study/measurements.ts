import type { StudyMeasurements } from '@basin/analysis/findings';
import type { AnalysisResult, PairType } from '@basin/db';

/** What the measurements need to know about a run a result refers to. */
export interface RunFacts {
  init: 'PRETRAINED' | 'RANDOM';
  /** Name of the dataset the run fine-tuned on. */
  dataset: string;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);

function byPairType<T>(pairs: { pairType: PairType }[], value: (p: never) => T): Map<PairType, T[]> {
  const out = new Map<PairType, T[]>();
  for (const p of pairs) {
    const list = out.get(p.pairType) ?? [];
    list.push(value(p as never));
    out.set(p.pairType, list);
  }
  return out;
}

const groups = (m: Map<PairType, number[]>) => ({
  ptPt: mean(m.get('PT_PT') ?? []),
  ritRit: mean(m.get('RIT_RIT') ?? []),
  ptRit: mean(m.get('PT_RIT') ?? []),
});

/**
 * Turns a study's finished analysis results into the numbers the paper's claims are judged on.
 * @remarks Transfer accuracy comes from the MISTAKES analyses (every fine-tuned model scored on the same test
 * examples), grouped by the target dataset and init of each model's run. CKA is the mean over same-named module
 * pairs (the diagonal); a criticality with no feasible grid point counts as infinitely critical.
 */
export function measurementsFrom(results: AnalysisResult[], runs: Map<string, RunFacts>): StudyMeasurements {
  const m: StudyMeasurements = {};
  const all = <K extends AnalysisResult['kind']>(kind: K) =>
    results.filter((r): r is Extract<AnalysisResult, { kind: K }> => r.kind === kind);

  // transfer and mistakes
  const acc = new Map<string, { PRETRAINED: Map<string, number>; RANDOM: Map<string, number> }>();
  const uncommon = new Map<PairType, number[]>();
  for (const r of all('MISTAKES')) {
    for (const p of r.pairs) {
      for (const [ref, a] of [
        [p.a, p.accuracyA],
        [p.b, p.accuracyB],
      ] as const) {
        const facts = ref.runId ? runs.get(ref.runId) : undefined;
        if (!facts) continue;
        const entry = acc.get(facts.dataset) ?? { PRETRAINED: new Map(), RANDOM: new Map() };
        entry[facts.init].set(ref.checkpointId, a);
        acc.set(facts.dataset, entry);
      }
      const list = uncommon.get(p.pairType) ?? [];
      list.push((p.onlyA + p.onlyB) / r.examples);
      uncommon.set(p.pairType, list);
    }
  }
  const transfer: NonNullable<StudyMeasurements['transfer']> = [];
  for (const [target, e] of acc) {
    const pt = mean([...e.PRETRAINED.values()]);
    const rit = mean([...e.RANDOM.values()]);
    if (pt !== undefined && rit !== undefined) {
      transfer.push({
        target,
        pretrained: pt,
        random: rit,
        seeds: Math.min(e.PRETRAINED.size, e.RANDOM.size),
      });
    }
  }
  if (transfer.length) m.transfer = transfer;
  if (uncommon.size) m.mistakes = groups(uncommon);

  const cka = all('CKA').flatMap((r) => r.pairs);
  if (cka.length) {
    m.cka = groups(
      byPairType(cka, (p: (typeof cka)[number]) => {
        const diag: number[] = [];
        p.modulesA.forEach((name, i) => {
          const j = p.modulesB.indexOf(name);
          const v = j >= 0 ? p.values[i]?.[j] : undefined;
          if (v !== undefined && Number.isFinite(v)) diag.push(v);
        });
        return mean(diag) ?? Number.NaN;
      }),
    );
  }
  const dist = all('PARAM_DISTANCE').flatMap((r) => r.pairs);
  if (dist.length) m.distance = groups(byPairType(dist, (p: (typeof dist)[number]) => p.total));
  const bar = all('BARRIER').flatMap((r) => r.pairs);
  if (bar.length) {
    const g = groups(byPairType(bar, (p: (typeof bar)[number]) => p.errorBarrier));
    m.barrier = { ptPt: g.ptPt, ritRit: g.ritRit };
  }
  const crit = all('MODULE_CRITICALITY');
  if (crit.length) {
    m.criticality = crit.map((r) => ({
      init: (r.final.runId ? runs.get(r.final.runId)?.init : undefined) ?? 'PRETRAINED',
      modules: r.modules.map((x) => ({
        module: x.module,
        criticality: x.criticality ?? Number.POSITIVE_INFINITY,
      })),
    }));
  }
  const sweep = all('CHECKPOINT_SWEEP').at(0);
  if (sweep) m.checkpointSweep = sweep.points.map((p) => ({ epoch: p.epoch, accuracy: p.accuracy.mean }));
  const blocks = all('BLOCK_SHUFFLE').at(0);
  if (blocks)
    m.blockShuffle = blocks.rows.map((r) => ({ blockSize: r.blockSize, relativeDrop: r.relativeDrop.mean }));
  return m;
}
