import { fmt, pct } from './format';
import { meanStd } from './series';
import type {
  AnalysisKind,
  AnalysisResult,
  AnalysisSummary,
  BarrierResult,
  BlockShuffleResult,
  CheckpointSweepResult,
  CkaResult,
  MistakesResult,
  ModuleCriticalityResult,
  PairType,
  ParamDistanceResult,
  RunRow,
} from './types';

/** The API's verdict on one of the paper's claims (Study.findings). */
export interface ApiFinding {
  id: string;
  claim: string;
  holds: boolean | null;
  measured: string;
}

const API_IDS: Record<Finding['id'], (id: string) => boolean> = {
  transfer: (id) => id.startsWith('pt-beats-rit'),
  'feature-reuse': (id) => id === 'feature-reuse',
  mistakes: (id) => id === 'common-mistakes',
  cka: (id) => id === 'cka',
  distance: (id) => id === 'distance',
  barrier: (id) => id.startsWith('barrier'),
  criticality: (id) => id === 'criticality',
  checkpoint: (id) => id === 'checkpoints',
};

/** The API's verdicts that belong to one of the dashboard's questions. */
export function verdictsFor(f: Finding, api: readonly ApiFinding[]): ApiFinding[] {
  return api.filter((a) => API_IDS[f.id](a.id));
}

/** One of the paper's questions, answered for a study: a headline number and where its detail lives. */
export interface Finding {
  id:
    | 'transfer'
    | 'feature-reuse'
    | 'mistakes'
    | 'cka'
    | 'distance'
    | 'barrier'
    | 'criticality'
    | 'checkpoint';
  question: string;
  /** The answer in words, with its number; null when not measured yet. */
  answer: string | null;
  /** The headline number (for tests and sorting); null when not measured. */
  value: number | null;
  /** Detail view. */
  href: string | null;
  /** What to do when it is not measured yet. */
  todo: string;
}

type WithResult = AnalysisSummary & { result: AnalysisResult | null };

/** The newest analysis of a kind that has a result (analyses come newest first). */
function latest<K extends AnalysisKind>(analyses: readonly WithResult[], kind: K): WithResult | undefined {
  return analyses.find((a) => a.kind === kind && a.status === 'SUCCEEDED' && a.result);
}

/** The final test accuracy a runner wrote in a run's summary (the first key that is a number). */
export function finalAccuracy(run: Pick<RunRow, 'summary'>): number | null {
  for (const k of ['testAcc', 'testAccuracy', 'finalAccuracy', 'test/acc', 'accuracy', 'final/test/acc']) {
    const v = run.summary[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/** Mean of a per-pair number over the pairs of one type. */
function byPairType<T extends { pairType: PairType }>(pairs: readonly T[], t: PairType, f: (p: T) => number) {
  return meanStd(pairs.filter((p) => p.pairType === t).map(f));
}

/** Mean CKA of a pair over the modules both models have (the diagonal of the module × module matrix). */
export function diagonalCka(p: CkaResult['pairs'][number]): number | null {
  const vals: number[] = [];
  p.modulesA.forEach((m, i) => {
    const j = p.modulesB.indexOf(m);
    const v = j >= 0 ? p.values[i]?.[j] : undefined;
    if (typeof v === 'number') vals.push(v);
  });
  return meanStd(vals)?.mean ?? null;
}

const link = (a: WithResult | undefined) => (a ? `/analyses/${a.id}` : null);

export function studyFindings(
  studyId: string,
  runs: readonly RunRow[],
  analyses: readonly WithResult[],
): Finding[] {
  const out: Finding[] = [];
  const launch = `/launch?study=${studyId}`;

  // 1. P-T vs RI-T: the unshuffled row of a block-shuffle sweep, else the study's finished fine-tunes
  const bs = latest(analyses, 'BLOCK_SHUFFLE');
  const bsr = bs?.result as BlockShuffleResult | undefined;
  const none = bsr?.rows.find((r) => r.blockSize === null);
  let transfer: Finding = {
    id: 'transfer',
    question: 'Does P-T beat RI-T, and by how much?',
    answer: null,
    value: null,
    href: null,
    todo: 'Fine-tune from a pretrained checkpoint (P-T) and from random init (RI-T) on the same target.',
  };
  if (none) {
    const d = none.pretrainedAccuracy.mean - none.randomAccuracy.mean;
    transfer = {
      ...transfer,
      answer: `${d >= 0 ? 'Yes' : 'No'}: P-T ${pct(none.pretrainedAccuracy.mean)} vs RI-T ${pct(none.randomAccuracy.mean)} (${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} points, ${none.pretrainedAccuracy.n} seeds)`,
      value: d,
      href: link(bs),
    };
  } else {
    const done = runs.filter((r) => r.kind === 'FINETUNE' && r.status === 'SUCCEEDED');
    const pt = meanStd(done.filter((r) => r.init === 'PRETRAINED').map(finalAccuracy));
    const rit = meanStd(done.filter((r) => r.init === 'RANDOM').map(finalAccuracy));
    if (pt && rit) {
      const d = pt.mean - rit.mean;
      const ids = done.map((r) => r.id).join(',');
      transfer = {
        ...transfer,
        answer: `${d >= 0 ? 'Yes' : 'No'}: P-T ${pct(pt.mean)} vs RI-T ${pct(rit.mean)} (${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} points)`,
        value: d,
        href: `/compare?runs=${ids}&key=test%2Facc&group=INIT`,
      };
    }
  }
  out.push(transfer);

  // 2. feature reuse: P-T's lead (relative drop) unshuffled vs with the most shuffled input ("*", else the smallest blocks)
  const shuffled = bsr?.rows.filter((r) => r.blockSize !== null) ?? [];
  const most =
    shuffled.find((r) => r.blockSize === 0) ?? [...shuffled].sort((x, y) => x.blockSize! - y.blockSize!)[0];
  out.push({
    id: 'feature-reuse',
    question: 'How much of the gain is feature reuse (block shuffle)?',
    answer: most
      ? `P-T's lead (relative drop) goes from ${fmt(none?.relativeDrop.mean ?? null, 1)}% unshuffled to ${fmt(most.relativeDrop.mean, 1)}% with ${most.blockSize === 0 ? 'every pixel shuffled (*)' : `${most.label}×${most.label} blocks`}`
      : null,
    value: most?.relativeDrop.mean ?? null,
    href: link(bs),
    todo: 'Start a block-shuffle sweep (several block sizes, P-T and RI-T per seed).',
  });

  // 3. mistakes: common mistakes (both wrong) per pair type
  const mis = latest(analyses, 'MISTAKES');
  const misR = mis?.result as MistakesResult | undefined;
  const share = (p: MistakesResult['pairs'][number]) => p.common / Math.max(1, p.common + p.onlyA + p.onlyB);
  const mPt = misR ? byPairType(misR.pairs, 'PT_PT', share) : null;
  const mRit = misR ? byPairType(misR.pairs, 'RIT_RIT', share) : null;
  const mAny = misR ? meanStd(misR.pairs.map(share)) : null;
  out.push({
    id: 'mistakes',
    question: 'Do the models make the same mistakes?',
    answer: misR
      ? mPt || mRit
        ? `Share of mistakes made by both: P-T/P-T ${pct(mPt?.mean ?? null)}, RI-T/RI-T ${pct(mRit?.mean ?? null)}`
        : `Share of mistakes made by both: ${pct(mAny?.mean ?? null)}`
      : null,
    value: mPt?.mean ?? mAny?.mean ?? null,
    href: link(mis),
    todo: 'Run a mistakes analysis on two P-T and two RI-T checkpoints.',
  });

  // 4. CKA
  const cka = latest(analyses, 'CKA');
  const ckaR = cka?.result as CkaResult | undefined;
  const ckaPt = ckaR ? byPairType(ckaR.pairs, 'PT_PT', (p) => diagonalCka(p) ?? Number.NaN) : null;
  const ckaRit = ckaR ? byPairType(ckaR.pairs, 'RIT_RIT', (p) => diagonalCka(p) ?? Number.NaN) : null;
  const ckaAny = ckaR ? meanStd(ckaR.pairs.map((p) => diagonalCka(p))) : null;
  out.push({
    id: 'cka',
    question: 'How similar are the models’ features (CKA)?',
    answer: ckaR
      ? ckaPt || ckaRit
        ? `Mean CKA per module: P-T/P-T ${fmt(ckaPt?.mean ?? null)}, RI-T/RI-T ${fmt(ckaRit?.mean ?? null)}`
        : `Mean CKA per module: ${fmt(ckaAny?.mean ?? null)}`
      : null,
    value: ckaPt?.mean ?? ckaAny?.mean ?? null,
    href: link(cka),
    todo: 'Run a CKA analysis on two P-T and two RI-T checkpoints.',
  });

  // 4. ℓ2 distance
  const dist = latest(analyses, 'PARAM_DISTANCE');
  const distR = dist?.result as ParamDistanceResult | undefined;
  const dPt = distR ? byPairType(distR.pairs, 'PT_PT', (p) => p.total) : null;
  const dRit = distR ? byPairType(distR.pairs, 'RIT_RIT', (p) => p.total) : null;
  out.push({
    id: 'distance',
    question: 'How far apart are they in parameter space (ℓ2)?',
    answer: distR
      ? `ℓ2 distance: P-T/P-T ${fmt(dPt?.mean ?? null, 2)}, RI-T/RI-T ${fmt(dRit?.mean ?? null, 2)}`
      : null,
    value: dPt?.mean ?? distR?.pairs[0]?.total ?? null,
    href: link(dist),
    todo: 'Run a parameter-distance analysis on pairs of fine-tuned checkpoints.',
  });

  // 5. barrier
  const bar = latest(analyses, 'BARRIER');
  const barR = bar?.result as BarrierResult | undefined;
  const bPt = barR ? byPairType(barR.pairs, 'PT_PT', (p) => p.lossBarrier) : null;
  const bRit = barR ? byPairType(barR.pairs, 'RIT_RIT', (p) => p.lossBarrier) : null;
  out.push({
    id: 'barrier',
    question: 'Is there a performance barrier between them?',
    answer: barR
      ? `Loss barrier: P-T/P-T ${fmt(bPt?.mean ?? null)}, RI-T/RI-T ${fmt(bRit?.mean ?? null)}${bPt && bPt.mean < 0.05 ? ' — P-T models sit in one basin' : ''}`
      : null,
    value: bPt?.mean ?? barR?.pairs[0]?.lossBarrier ?? null,
    href: link(bar),
    todo: 'Run a barrier analysis (interpolate between two checkpoints).',
  });

  // 6. module criticality
  const mc = latest(analyses, 'MODULE_CRITICALITY');
  const mcR = mc?.result as ModuleCriticalityResult | undefined;
  const ranked = mcR
    ? [...mcR.modules].sort(
        (a, b) => (b.criticality ?? Number.POSITIVE_INFINITY) - (a.criticality ?? Number.POSITIVE_INFINITY),
      )
    : [];
  out.push({
    id: 'criticality',
    question: 'Which modules are critical?',
    answer: mcR
      ? `Most critical: ${ranked
          .slice(0, 2)
          .map((m) => `${m.module} (μ ${m.criticality === null ? '∞' : fmt(m.criticality, 2)})`)
          .join(', ')}; least: ${ranked.at(-1)?.module ?? '—'}`
      : null,
    value: ranked[0]?.criticality ?? null,
    href: link(mc),
    todo: 'Run a module-criticality analysis (initial and final checkpoint of one fine-tune).',
  });

  // 7. best checkpoint: the earliest whose accuracy is within one std of the best
  const sw = latest(analyses, 'CHECKPOINT_SWEEP');
  const swR = sw?.result as CheckpointSweepResult | undefined;
  const best = swR?.points.reduce<CheckpointSweepResult['points'][number] | undefined>(
    (b, p) => (!b || p.accuracy.mean > b.accuracy.mean ? p : b),
    undefined,
  );
  const earliest = best
    ? swR!.points.find((p) => p.accuracy.mean >= best.accuracy.mean - best.accuracy.std)
    : undefined;
  out.push({
    id: 'checkpoint',
    question: 'Which checkpoint should fine-tuning start from?',
    answer:
      best && earliest
        ? `Epoch ${fmt(earliest.epoch, 2)} already transfers as well as the best (epoch ${fmt(best.epoch, 2)}, ${pct(best.accuracy.mean)})`
        : null,
    value: earliest?.epoch ?? null,
    href: link(sw),
    todo: 'Start a checkpoint sweep over the pretraining run’s checkpoints.',
  });
  const tab: Record<Finding['id'], string> = {
    transfer: '',
    'feature-reuse': '&tab=sweep',
    checkpoint: '&tab=sweep',
    mistakes: '&tab=analysis',
    cka: '&tab=analysis',
    distance: '&tab=analysis',
    barrier: '&tab=analysis',
    criticality: '&tab=analysis',
  };
  return out.map((f) => (f.answer === null ? { ...f, href: `${launch}${tab[f.id]}` } : f));
}
