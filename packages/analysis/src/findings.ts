/**
 * The paper's claims (Neyshabur, Sedghi & Zhang 2020; DESIGN.md §4) judged on what a study measured, per target
 * dataset, with every number's spread over seeds, and the paper's tables. Pure: the API computes these once from
 * the study's rows; the CLI and the dashboard only show what the API returns.
 */
import {
  above,
  below,
  CRITERION,
  greaterThan,
  increasing,
  type Judgement,
  nearChanceBelow,
  notWorseThan,
  type Spread,
  spreadOf,
  type Verdict,
} from './verdict';

export { CRITERION, type Spread, spreadOf, VERDICTS, type Verdict } from './verdict';

/** One finished fine-tune of the study's main P-T / RI-T comparison. */
export interface RunOutcome {
  runId: string;
  seed: number;
  /** Final test accuracy (0–1). */
  accuracy: number;
  /** Optimisation speed: mean training accuracy over the first `speedEpochs` epochs (0–1); null if unknown. */
  speed: number | null;
  speedEpochs: number | null;
  /** The run stopped because its training loss plateaued (true), at its epoch cap (false), or had no criterion (null). */
  converged: boolean | null;
  epochs: number;
  /** Chance accuracy on its dataset (1 / classes). */
  chance: number;
}

/** One compared pair of models in an analysis. */
export interface PairValue {
  pairType: 'PT_PT' | 'RIT_RIT' | 'PT_RIT' | 'OTHER';
  value: number;
}

/** Per-module values of one pair (CKA on the diagonal, ℓ2 per module). */
export interface PairModules {
  pairType: PairValue['pairType'];
  modules: { module: string; value: number }[];
}

/** What a study measured on one target dataset; every field is optional (missing means not measured). */
export interface TargetMeasurements {
  /** Target dataset name. */
  target: string;
  pretrained?: RunOutcome[];
  random?: RunOutcome[];
  /** Uncommon mistakes (wrong by exactly one of the two) as a fraction of the examples, per pair; and common ones. */
  mistakes?: (PairValue & { common: number })[];
  /** Mean CKA over same-named modules, per pair, and the per-module values. */
  cka?: (PairValue & PairModules)[];
  /** ℓ2 distance (modules of equal shape), per pair, and per module. */
  distance?: (PairValue & PairModules)[];
  /** Test-error barrier (0–1) per pair. */
  barrier?: PairValue[];
  /** Module criticality μ (+∞: no feasible point) per fine-tuned model, modules in forward order. */
  criticality?: {
    init: 'PRETRAINED' | 'RANDOM';
    seed: number | null;
    modules: { module: string; value: number }[];
  }[];
  /** Block-shuffle sweep: per block size (null = none, 0 = "*"), per-seed values in seed order. */
  blockShuffle?: {
    blockSize: number | null;
    label: string;
    pretrained: number[];
    random: number[];
    relativeDrop: number[];
    pretrainedSpeed: number[];
    randomSpeed: number[];
  }[];
  /** Image side (for ordering "none" above every block size). */
  side?: number;
  /** Checkpoint sweep: final accuracy per pretraining epoch, per seed. */
  checkpointSweep?: { epoch: number; accuracy: number[] }[];
  /** Sanity flags of the analyses behind each claim, by analysis kind (`MISTAKES`, `CKA`, …). */
  flags?: Partial<Record<string, string[]>>;
}

export interface StudyMeasurements {
  targets: TargetMeasurements[];
}

/** A number behind a verdict: mean ± std over n values. */
export interface Evidence extends Spread {
  label: string;
}

export interface Finding {
  /** Stable id, `<claim>:<target>`, e.g. `cka:MNIST (small)`. */
  id: string;
  /** The claim's id without the target, e.g. `cka`. */
  claimId: string;
  /** The paper's claim, in words. */
  claim: string;
  /** The target dataset it was judged on. */
  target: string;
  /** What this study measured, with the numbers and their spread. */
  measured: string;
  verdict: Verdict;
  /** true: holds; false: does not hold; null: inconclusive or not measured. */
  holds: boolean | null;
  /** The threshold and rule the verdict used. */
  criterion: string;
  /** Why it is inconclusive despite the numbers (flagged inputs, too few seeds). */
  flags: string[];
  evidence: Evidence[];
}

export interface FindingsOptions {
  /** Largest error barrier (0–1) still called "no barrier". Default 0.02 (2 points of error). */
  barrierTolerance?: number;
  /** How far (0–1) P-T's final accuracy may fall below RI-T's and still be "at least as accurate". Default 0.01. */
  accuracyMargin?: number;
  /** How far (0–1) below the final checkpoint the late ones may land and still "transfer as well". Default 0.01. */
  checkpointTolerance?: number;
}

/** The claims, in the order the paper makes them. */
export const CLAIMS = {
  'pt-speed': 'P-T optimises faster than RI-T (training accuracy over the same early budget)',
  'pt-final': 'Trained to a plateau, P-T is at least as accurate as RI-T (final test accuracy)',
  'feature-reuse':
    "Feature reuse: the more the input is shuffled (smaller blocks), the smaller P-T's lead in optimisation speed",
  mistakes: 'Two P-T models make fewer uncommon mistakes than a P-T and an RI-T model',
  cka: 'Two P-T models have more similar features (CKA) than two RI-T models',
  distance: 'Two P-T models are closer in parameter space (ℓ2) than two RI-T models',
  'barrier-pt': 'No performance barrier between two P-T models (same basin)',
  'barrier-rit': 'A performance barrier between two RI-T models',
  criticality: 'Lower modules are less critical than higher ones (P-T models)',
  checkpoints: 'Late pretraining checkpoints transfer as well as the final one',
} as const;

export type ClaimId = keyof typeof CLAIMS;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pm = (s: Spread, f: (x: number) => string) =>
  s.n > 1 ? `${f(s.mean)} ± ${f(s.std)}` : s.n === 1 ? f(s.mean) : '—';
const pctPm = (s: Spread) => (s.n > 1 ? `${pct(s.mean)} ± ${(100 * s.std).toFixed(1)}` : pm(s, pct));
const num = (x: number) =>
  !Number.isFinite(x) ? (x > 0 ? '∞' : '−∞') : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
const n = (s: Spread, what = 'seed') => `${s.n} ${what}${s.n === 1 ? '' : 's'}`;
const byType = (xs: readonly PairValue[] | undefined, t: PairValue['pairType']) =>
  spreadOf((xs ?? []).filter((p) => p.pairType === t).map((p) => p.value));
const ev = (label: string, s: Spread): Evidence => ({ label, ...s });

/** Evaluates every claim on every target; the order is the order the paper makes them, target by target. */
export function evaluateFindings(m: StudyMeasurements, options: FindingsOptions = {}): Finding[] {
  const barrierTol = options.barrierTolerance ?? 0.02;
  const accMargin = options.accuracyMargin ?? 0.01;
  const ckptTol = options.checkpointTolerance ?? 0.01;
  const out: Finding[] = [];
  for (const t of m.targets) {
    const finding = (
      claimId: ClaimId,
      criterion: string,
      j: Judgement | null,
      measured: string,
      evidence: Evidence[],
      flags: string[] = [],
    ) => {
      const all = [...new Set([...flags, ...(j?.reason ? [j.reason] : [])])];
      const verdict: Verdict = !j ? 'NOT_MEASURED' : flags.length ? 'INCONCLUSIVE' : j.verdict;
      out.push({
        id: `${claimId}:${t.target}`,
        claimId,
        claim: CLAIMS[claimId],
        target: t.target,
        measured: j ? measured : 'not measured yet',
        verdict,
        holds: verdict === 'HOLDS' ? true : verdict === 'DOES_NOT_HOLD' ? false : null,
        criterion,
        flags: all,
        evidence,
      });
    };
    const flagsOf = (kind: string) => t.flags?.[kind] ?? [];

    // ── P-T vs RI-T: optimisation speed and final accuracy ──
    const pt = t.pretrained ?? [];
    const rit = t.random ?? [];
    const runFlags = [...pt, ...rit].flatMap((r) => {
      const who = `${pt.includes(r) ? 'P-T' : 'RI-T'} seed ${r.seed}`;
      const f: string[] = [];
      if (r.converged === false)
        f.push(`${who} stopped at its ${r.epochs}-epoch cap before its training loss plateaued`);
      if (r.accuracy < nearChanceBelow(r.chance)) f.push(`${who} is near chance (${pct(r.accuracy)})`);
      return f;
    });
    const speedPt = spreadOf(pt.map((r) => r.speed ?? Number.NaN));
    const speedRit = spreadOf(rit.map((r) => r.speed ?? Number.NaN));
    const k = pt.find((r) => r.speedEpochs)?.speedEpochs;
    finding(
      'pt-speed',
      `P-T − RI-T > 0 (${CRITERION})`,
      pt.length && rit.length && speedPt.n && speedRit.n ? greaterThan(speedPt, speedRit) : null,
      `mean training accuracy over the first ${k ?? 'all'} epoch${k === 1 ? '' : 's'}: P-T ${pctPm(speedPt)} vs RI-T ${pctPm(speedRit)} (${signed(speedPt.mean - speedRit.mean)} points; ${n(speedPt)})`,
      [ev('P-T speed', speedPt), ev('RI-T speed', speedRit)],
    );
    const accPt = spreadOf(pt.map((r) => r.accuracy));
    const accRit = spreadOf(rit.map((r) => r.accuracy));
    const epochs = spreadOf([...pt, ...rit].map((r) => r.epochs));
    finding(
      'pt-final',
      `P-T − RI-T ≥ −${(100 * accMargin).toFixed(0)} point (${CRITERION}); every run trained until its loss plateaued`,
      pt.length && rit.length ? notWorseThan(accPt, accRit, accMargin) : null,
      `final test accuracy P-T ${pctPm(accPt)} vs RI-T ${pctPm(accRit)} (${signed(accPt.mean - accRit.mean)} points; ${n(accPt)}; ${Math.min(...epochs.values)}–${Math.max(...epochs.values)} epochs to the plateau)`,
      [ev('P-T accuracy', accPt), ev('RI-T accuracy', accRit)],
      runFlags,
    );

    // ── feature reuse: P-T's relative lead against block size, over the whole curve. Judged on optimisation speed:
    // trained to a plateau, final accuracies can meet (an easy target), while the lead in speed is what reused
    // features buy; the final-accuracy drop is reported beside it.
    const rows = t.blockShuffle ?? [];
    const level = (b: number | null) => (b === null ? (t.side ?? 1e9) : b);
    const lead = (r: (typeof rows)[number]) =>
      r.pretrainedSpeed.map((p, s) => {
        const q = r.randomSpeed[s];
        return q === undefined || !(p > 0) ? Number.NaN : (100 * (p - q)) / p;
      });
    const seeds = Math.max(0, ...rows.map((r) => r.pretrainedSpeed.length));
    const curves = Array.from({ length: seeds }, (_, s) => ({
      x: rows.map((r) => level(r.blockSize)),
      y: rows.map((r) => lead(r)[s] ?? Number.NaN),
    }));
    const reuse = rows.length >= 3 ? increasing(curves) : null;
    const ordered = [...rows].sort((a, b) => level(b.blockSize) - level(a.blockSize));
    const pct1 = (xs: number[]) => `${pm(spreadOf(xs), (x) => x.toFixed(1))}%`;
    finding(
      'feature-reuse',
      `Spearman ρ(block size, P-T's speed lead 100·(S_PT − S_RIT)/S_PT) per seed, mean > 0 (${CRITERION})`,
      reuse,
      reuse
        ? `rank correlation of block size with P-T's lead in speed ρ = ${pm(reuse.rho, (x) => x.toFixed(2))} (${n(reuse.rho)}); speed lead by block: ${ordered.map((r) => `${r.label} ${pct1(lead(r))}`).join(', ')}; final-accuracy drop: ${ordered.map((r) => `${r.label} ${pct1(r.relativeDrop)}`).join(', ')}`
        : '',
      reuse ? [ev("ρ(block size, P-T's speed lead)", reuse.rho)] : [],
      flagsOf('BLOCK_SHUFFLE'),
    );

    // ── mistakes ──
    const mPtPt = byType(t.mistakes, 'PT_PT');
    const mPtRit = byType(t.mistakes, 'PT_RIT');
    const mRitRit = byType(t.mistakes, 'RIT_RIT');
    finding(
      'mistakes',
      `uncommon(P-T/RI-T) − uncommon(P-T/P-T) > 0 (${CRITERION})`,
      mPtPt.n && mPtRit.n ? greaterThan(mPtRit, mPtPt) : null,
      `uncommon mistakes (share of test examples) P-T/P-T ${pctPm(mPtPt)} vs P-T/RI-T ${pctPm(mPtRit)}${mRitRit.n ? `, RI-T/RI-T ${pctPm(mRitRit)}` : ''} (${n(mPtPt, 'pair')})`,
      [ev('P-T/P-T', mPtPt), ev('P-T/RI-T', mPtRit), ev('RI-T/RI-T', mRitRit)],
      flagsOf('MISTAKES'),
    );

    // ── CKA, ℓ2 ──
    const cPt = byType(t.cka, 'PT_PT');
    const cRit = byType(t.cka, 'RIT_RIT');
    const cMix = byType(t.cka, 'PT_RIT');
    finding(
      'cka',
      `mean CKA(P-T/P-T) − CKA(RI-T/RI-T) > 0 (${CRITERION})`,
      cPt.n && cRit.n ? greaterThan(cPt, cRit) : null,
      `mean CKA over modules P-T/P-T ${pm(cPt, (x) => x.toFixed(3))} vs RI-T/RI-T ${pm(cRit, (x) => x.toFixed(3))}${cMix.n ? `, P-T/RI-T ${pm(cMix, (x) => x.toFixed(3))}` : ''} (${n(cPt, 'pair')})`,
      [ev('P-T/P-T', cPt), ev('RI-T/RI-T', cRit), ev('P-T/RI-T', cMix)],
      flagsOf('CKA'),
    );
    const dPt = byType(t.distance, 'PT_PT');
    const dRit = byType(t.distance, 'RIT_RIT');
    const dMix = byType(t.distance, 'PT_RIT');
    finding(
      'distance',
      `ℓ2(RI-T/RI-T) − ℓ2(P-T/P-T) > 0 (${CRITERION})`,
      dPt.n && dRit.n ? greaterThan(dRit, dPt) : null,
      `ℓ2 P-T/P-T ${pm(dPt, num)} vs RI-T/RI-T ${pm(dRit, num)}${dMix.n ? `, P-T/RI-T ${pm(dMix, num)}` : ''} (${n(dPt, 'pair')})`,
      [ev('P-T/P-T', dPt), ev('RI-T/RI-T', dRit), ev('P-T/RI-T', dMix)],
      flagsOf('PARAM_DISTANCE'),
    );

    // ── barriers ──
    const bPt = byType(t.barrier, 'PT_PT');
    const bRit = byType(t.barrier, 'RIT_RIT');
    finding(
      'barrier-pt',
      `error barrier < ${pct(barrierTol)} (${CRITERION})`,
      bPt.n ? below(bPt, barrierTol) : null,
      `error barrier P-T/P-T ${pctPm(bPt)} (${n(bPt, 'pair')}; tolerance ${pct(barrierTol)})`,
      [ev('P-T/P-T error barrier', bPt)],
      flagsOf('BARRIER'),
    );
    finding(
      'barrier-rit',
      `error barrier > ${pct(barrierTol)} (${CRITERION})`,
      bRit.n ? above(bRit, barrierTol) : null,
      `error barrier RI-T/RI-T ${pctPm(bRit)} (${n(bRit, 'pair')}; tolerance ${pct(barrierTol)})`,
      [ev('RI-T/RI-T error barrier', bRit)],
      flagsOf('BARRIER'),
    );

    // ── criticality by depth, over all modules ──
    const crit = (t.criticality ?? []).filter((c) => c.init === 'PRETRAINED' && c.modules.length >= 3);
    const byDepth = crit.length
      ? increasing(crit.map((c) => ({ x: c.modules.map((_, i) => i), y: c.modules.map((x) => x.value) })))
      : null;
    finding(
      'criticality',
      `Spearman ρ(depth, criticality μ) per P-T model, mean > 0 (${CRITERION})`,
      byDepth,
      byDepth
        ? `rank correlation of module depth with μ ρ = ${pm(byDepth.rho, (x) => x.toFixed(2))} (${n(byDepth.rho, 'model')}); median μ by module: ${moduleMedians(crit)}`
        : '',
      byDepth ? [ev('ρ(depth, μ)', byDepth.rho)] : [],
      flagsOf('MODULE_CRITICALITY'),
    );

    // ── checkpoints: late (second half, final excluded) against the final one, seed by seed ──
    const sweep = [...(t.checkpointSweep ?? [])].filter((p) => p.epoch > 0).sort((a, b) => a.epoch - b.epoch);
    const final = sweep.at(-1);
    const late = sweep.slice(Math.floor(sweep.length / 2), -1);
    const lateAcc = spreadOf(
      (final?.accuracy ?? []).map((_, s) => {
        const v = late.map((p) => p.accuracy[s] ?? Number.NaN).filter(Number.isFinite);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
      }),
    );
    const finalAcc = spreadOf(final?.accuracy ?? []);
    const curve = sweep.length >= 3 ? increasing(seedCurves(sweep)) : null;
    finding(
      'checkpoints',
      `late − final ≥ −${(100 * ckptTol).toFixed(0)} point (${CRITERION})`,
      final && late.length ? notWorseThan(lateAcc, finalAcc, ckptTol) : null,
      `late checkpoints (epoch ${late.map((p) => p.epoch).join(', ')}) ${pctPm(lateAcc)} vs final (epoch ${final?.epoch}) ${pctPm(finalAcc)} (${n(finalAcc)})${curve ? `; ρ(epoch, accuracy) over all ${sweep.length} checkpoints ${pm(curve.rho, (x) => x.toFixed(2))}` : ''}`,
      [
        ev('late checkpoints', lateAcc),
        ev('final checkpoint', finalAcc),
        ...(curve ? [ev('ρ(epoch, accuracy)', curve.rho)] : []),
      ],
      flagsOf('CHECKPOINT_SWEEP'),
    );
  }
  return out;
}

function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}` : '—';
}

function seedCurves(sweep: { epoch: number; accuracy: number[] }[]) {
  const seeds = Math.max(0, ...sweep.map((p) => p.accuracy.length));
  return Array.from({ length: seeds }, (_, s) => ({
    x: sweep.map((p) => p.epoch),
    y: sweep.map((p) => p.accuracy[s] ?? Number.NaN),
  }));
}

function moduleMedians(crit: { modules: { module: string; value: number }[] }[]): string {
  const names = crit[0]!.modules.map((m) => m.module);
  return names
    .map((name) => {
      const v = crit.flatMap((c) => c.modules.filter((m) => m.module === name).map((m) => m.value));
      v.sort((a, b) => a - b);
      const mid = Math.floor(v.length / 2);
      const med = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
      return `${name} ${num(med)}`;
    })
    .join(', ');
}

/** A cell of a table: mean ± std over n values; null when not measured. */
export type Cell = Evidence | null;

/** One of the paper's tables for one target. */
export interface FindingsTable {
  /** Stable id, `<table>:<target>`. */
  id: string;
  title: string;
  target: string;
  /** Column headings (the row label's column first). */
  columns: string[];
  rows: { label: string; cells: Cell[] }[];
  /** How to read it (units, what a value is over). */
  note: string;
}

const PAIRS: [PairValue['pairType'], string][] = [
  ['PT_PT', 'P-T/P-T'],
  ['RIT_RIT', 'RI-T/RI-T'],
  ['PT_RIT', 'P-T/RI-T'],
];

function perModule(pairs: readonly (PairValue & PairModules)[]): { label: string; cells: Cell[] }[] {
  const modules = [...new Set(pairs.flatMap((p) => p.modules.map((m) => m.module)))];
  const row = (label: string, pick: (p: PairValue & PairModules) => number | undefined) => ({
    label,
    cells: PAIRS.map(([t, name]) => {
      const s = spreadOf(pairs.filter((p) => p.pairType === t).map((p) => pick(p) ?? Number.NaN));
      return s.n ? ev(name, s) : null;
    }),
  });
  return [
    ...modules.map((m) => row(m, (p) => p.modules.find((x) => x.module === m)?.value)),
    row('all (mean / total)', (p) => p.value),
  ];
}

/** The paper's tables (its Tables 1 and 2 and the figures' numbers) per target, from the same measurements. */
export function findingsTables(m: StudyMeasurements): FindingsTable[] {
  const out: FindingsTable[] = [];
  const pairCols = ['', ...PAIRS.map(([, name]) => name)];
  for (const t of m.targets) {
    const table = (
      key: string,
      title: string,
      columns: string[],
      rows: FindingsTable['rows'],
      note: string,
    ) => {
      if (rows.length) out.push({ id: `${key}:${t.target}`, title, target: t.target, columns, rows, note });
    };
    const runs = [...(t.pretrained ?? []), ...(t.random ?? [])];
    const cell = (label: string, xs: number[]) => {
      const s = spreadOf(xs);
      return s.n ? ev(label, s) : null;
    };
    if (runs.length)
      table(
        'transfer',
        'P-T vs RI-T',
        ['', 'final test accuracy', 'optimisation speed', 'epochs', 'converged'],
        (
          [
            ['P-T', t.pretrained ?? []],
            ['RI-T', t.random ?? []],
          ] as const
        ).map(([label, rs]) => ({
          label,
          cells: [
            cell(
              'final test accuracy',
              rs.map((r) => r.accuracy),
            ),
            cell(
              'optimisation speed',
              rs.map((r) => r.speed ?? Number.NaN),
            ),
            cell(
              'epochs',
              rs.map((r) => r.epochs),
            ),
            cell(
              'converged',
              rs.map((r) => (r.converged === null ? Number.NaN : r.converged ? 1 : 0)),
            ),
          ],
        })),
        'accuracies are fractions; speed is the mean training accuracy over the same first epochs for both; converged is the share of runs that stopped on the plateau criterion',
      );
    table(
      'cka',
      'CKA per module (Table 1)',
      pairCols,
      t.cka?.length ? perModule(t.cka) : [],
      'linear CKA on the same test examples, mean ± std over pairs of seeds',
    );
    table(
      'distance',
      'ℓ2 distance per module (Table 2)',
      pairCols,
      t.distance?.length ? perModule(t.distance) : [],
      'ℓ2 norm of the weight difference, mean ± std over pairs; the last row is the total over modules of equal shape',
    );
    if (t.mistakes?.length) {
      const rows = [
        { label: 'uncommon mistakes', pick: (p: PairValue & { common: number }) => p.value },
        { label: 'common mistakes', pick: (p: PairValue & { common: number }) => p.common },
      ];
      table(
        'mistakes',
        'Mistakes per pair kind',
        pairCols,
        rows.map((r) => ({
          label: r.label,
          cells: PAIRS.map(([ty, name]) =>
            cell(name, t.mistakes!.filter((p) => p.pairType === ty).map(r.pick)),
          ),
        })),
        'share of test examples: uncommon = wrong by exactly one model of the pair (both sides counted), common = wrong by both',
      );
    }
    if (t.barrier?.length)
      table(
        'barrier',
        'Performance barrier',
        pairCols,
        [
          {
            label: 'error barrier',
            cells: PAIRS.map(([ty, name]) =>
              cell(
                name,
                t.barrier!.filter((p) => p.pairType === ty).map((p) => p.value),
              ),
            ),
          },
        ],
        'max over λ of the test error above the straight line between the end points, mean ± std over pairs',
      );
    const crit = t.criticality ?? [];
    if (crit.length) {
      const modules = [...new Set(crit.flatMap((c) => c.modules.map((x) => x.module)))];
      table(
        'criticality',
        'Module criticality μ',
        ['', 'P-T', 'RI-T'],
        modules.map((mod) => ({
          label: mod,
          cells: (['PRETRAINED', 'RANDOM'] as const).map((init) =>
            cell(
              init === 'PRETRAINED' ? 'P-T' : 'RI-T',
              crit
                .filter((c) => c.init === init)
                .flatMap((c) => c.modules.filter((x) => x.module === mod).map((x) => x.value)),
            ),
          ),
        })),
        'μ = min α²‖θ^F − θ⁰‖²/σ² over the feasible grid, mean ± std over fine-tuned models (a module with no feasible point counts as ∞ in the claim and is left out of the mean)',
      );
    }
    if (t.blockShuffle?.length)
      table(
        'block-shuffle',
        'Accuracy against block size',
        ['block', 'P-T accuracy', 'RI-T accuracy', 'relative drop %', 'P-T speed', 'RI-T speed'],
        t.blockShuffle.map((r) => ({
          label: r.label,
          cells: [
            cell('P-T accuracy', r.pretrained),
            cell('RI-T accuracy', r.random),
            cell('relative drop %', r.relativeDrop),
            cell('P-T speed', r.pretrainedSpeed),
            cell('RI-T speed', r.randomSpeed),
          ],
        })),
        'final test accuracy and speed (mean training accuracy over the early epochs) over seeds; relative drop = 100·(A_PT − A_RIT)/A_PT',
      );
    if (t.checkpointSweep?.length)
      table(
        'checkpoints',
        'Fine-tuned accuracy by pretraining checkpoint',
        ['pretraining epoch', 'final test accuracy'],
        [...t.checkpointSweep]
          .sort((a, b) => a.epoch - b.epoch)
          .map((p) => ({
            label: p.epoch === 0 ? '0 (random init)' : String(p.epoch),
            cells: [cell('accuracy', p.accuracy)],
          })),
        'final target test accuracy over seeds when fine-tuning starts from that checkpoint',
      );
  }
  return out;
}

const MARK: Record<Verdict, string> = {
  HOLDS: 'holds',
  DOES_NOT_HOLD: 'does not hold',
  INCONCLUSIVE: 'inconclusive',
  NOT_MEASURED: 'not measured',
};

/** A verdict in words. */
export const verdictText = (v: Verdict) => MARK[v];

/** The findings as a plain-text table for a terminal, target by target. */
export function formatFindings(
  findings: readonly Pick<Finding, 'claim' | 'target' | 'measured' | 'verdict' | 'flags'>[],
): string {
  const w1 = Math.max(...findings.map((f) => f.claim.length), 5);
  const lines: string[] = [];
  let target: string | null = null;
  for (const f of findings) {
    if (f.target !== target) {
      target = f.target;
      lines.push('', `Target: ${target}`, `${'Claim'.padEnd(w1)}  ${'Verdict'.padEnd(13)}  Measured`);
    }
    lines.push(`${f.claim.padEnd(w1)}  ${MARK[f.verdict].padEnd(13)}  ${f.measured}`);
    for (const flag of f.flags) lines.push(`${''.padEnd(w1)}  ${''.padEnd(13)}  ⚠ ${flag}`);
  }
  return lines.join('\n').trimStart();
}

/** A cell as the API serves it (no mean when nothing was measured). */
type ShownCell = { mean: number | null; std: number | null; n: number } | null;

const fmtCell = (c: ShownCell) => {
  if (!c || c.mean === null) return '—';
  const f = (x: number) =>
    Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
  return c.n > 1 ? `${f(c.mean)} ± ${f(c.std ?? 0)}` : f(c.mean);
};

/** The tables as plain text. */
export function formatTables(
  tables: readonly (Pick<FindingsTable, 'title' | 'target' | 'columns' | 'note'> & {
    rows: readonly { label: string; cells: readonly ShownCell[] }[];
  })[],
): string {
  return tables
    .map((t) => {
      const body = t.rows.map((r) => [r.label, ...r.cells.map(fmtCell)]);
      const widths = t.columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]?.length ?? 0)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      return [
        `${t.title} — ${t.target}`,
        line(t.columns),
        line(widths.map((w) => '-'.repeat(w))),
        ...body.map(line),
        `(${t.note})`,
      ].join('\n');
    })
    .join('\n\n');
}
