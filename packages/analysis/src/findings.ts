/**
 * The paper's claims (Neyshabur, Sedghi & Zhang 2020; DESIGN.md §4, last bullet) checked against what a study
 * measured. Pure: the CLI prints these and the dashboard shows them, from the same numbers.
 */

/** What a study measured; every field is optional (a claim without its numbers is "not measured"). */
export interface StudyMeasurements {
  /** Final test accuracy (0–1), mean over seeds, per target dataset. */
  transfer?: { target: string; pretrained: number; random: number; seeds: number }[];
  /** Mean linear CKA over modules for model pairs. */
  cka?: { ptPt?: number; ritRit?: number; ptRit?: number };
  /** ℓ2 parameter distance (total, modules of equal shape) between model pairs. */
  distance?: { ptPt?: number; ritRit?: number; ptRit?: number };
  /** Test-error barrier (0–1) on the straight line between two models. */
  barrier?: { ptPt?: number; ritRit?: number };
  /** Module criticality μ of a fine-tuned model, modules in forward order (conv1 … fc). */
  criticality?: { init: 'PRETRAINED' | 'RANDOM'; modules: { module: string; criticality: number }[] }[];
  /** Fine-tuned accuracy (0–1) from each pretraining checkpoint, by pretraining epoch. */
  checkpointSweep?: { epoch: number; accuracy: number }[];
  /** Relative drop 100·(A_PT − A_RIT)/A_PT per block size (null = no shuffle, 0 = "*"). */
  blockShuffle?: { blockSize: number | null; relativeDrop: number }[];
  /** Uncommon mistakes (wrong by exactly one of the two, both sides counted) as a fraction of examples. */
  mistakes?: { ptPt?: number; ritRit?: number; ptRit?: number };
}

export interface Finding {
  /** Stable id, e.g. `pt-beats-rit:MNIST`. */
  id: string;
  /** The paper's claim, in words. */
  claim: string;
  /** What this study measured, with the numbers. */
  measured: string;
  /** true: holds; false: does not hold; null: not measured. */
  holds: boolean | null;
}

export interface FindingsOptions {
  /** Largest error barrier (0–1) still called "no barrier". Default 0.02 (2 points of error). */
  barrierTolerance?: number;
  /** How far (0–1) below the final checkpoint a late one may land and still "transfer as well". Default 0.01. */
  checkpointTolerance?: number;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const num = (x: number) =>
  !Number.isFinite(x) ? (x > 0 ? '∞' : '−∞') : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
const notMeasured = (id: string, claim: string): Finding => ({
  id,
  claim,
  measured: 'not measured yet',
  holds: null,
});

/** Evaluates every claim; the order is the order the paper makes them. */
export function evaluateFindings(m: StudyMeasurements, options: FindingsOptions = {}): Finding[] {
  const barrierTol = options.barrierTolerance ?? 0.02;
  const ckptTol = options.checkpointTolerance ?? 0.01;
  const out: Finding[] = [];

  const transferClaim = 'Fine-tuning from the pretrained model (P-T) beats training from random init (RI-T)';
  if (!m.transfer?.length) out.push(notMeasured('pt-beats-rit', transferClaim));
  for (const t of m.transfer ?? []) {
    const gain = t.pretrained - t.random;
    out.push({
      id: `pt-beats-rit:${t.target}`,
      claim: `${transferClaim} on ${t.target}`,
      measured: `P-T ${pct(t.pretrained)} vs RI-T ${pct(t.random)} (${gain >= 0 ? '+' : ''}${(100 * gain).toFixed(1)} points, ${t.seeds} seed${t.seeds === 1 ? '' : 's'})`,
      holds: gain > 0,
    });
  }

  const blocks = m.blockShuffle ?? [];
  const none = blocks.find((b) => b.blockSize === null);
  const finest =
    blocks.find((b) => b.blockSize === 0) ??
    [...blocks].filter((b) => b.blockSize !== null).sort((a, b) => a.blockSize! - b.blockSize!)[0];
  const reuseClaim = "Feature reuse: shuffling smaller blocks shrinks P-T's advantage over RI-T";
  out.push(
    none && finest
      ? {
          id: 'feature-reuse',
          claim: reuseClaim,
          measured: `relative drop ${num(none.relativeDrop)}% unshuffled vs ${num(finest.relativeDrop)}% at block ${finest.blockSize === 0 ? '*' : finest.blockSize}`,
          holds: finest.relativeDrop < none.relativeDrop,
        }
      : notMeasured('feature-reuse', reuseClaim),
  );

  const mistakesClaim =
    'Two P-T models make more of the same mistakes than a P-T and an RI-T model (fewer uncommon mistakes)';
  const mk = m.mistakes;
  out.push(
    mk?.ptPt !== undefined && mk.ptRit !== undefined
      ? {
          id: 'common-mistakes',
          claim: mistakesClaim,
          measured: `uncommon mistakes P-T/P-T ${pct(mk.ptPt)} vs P-T/RI-T ${pct(mk.ptRit)}${mk.ritRit !== undefined ? `, RI-T/RI-T ${pct(mk.ritRit)}` : ''}`,
          holds: mk.ptPt < mk.ptRit,
        }
      : notMeasured('common-mistakes', mistakesClaim),
  );

  const ckaClaim = 'Two P-T models have more similar features (higher CKA) than two RI-T models';
  out.push(
    m.cka?.ptPt !== undefined && m.cka.ritRit !== undefined
      ? {
          id: 'cka',
          claim: ckaClaim,
          measured: `mean CKA P-T/P-T ${m.cka.ptPt.toFixed(3)} vs RI-T/RI-T ${m.cka.ritRit.toFixed(3)}`,
          holds: m.cka.ptPt > m.cka.ritRit,
        }
      : notMeasured('cka', ckaClaim),
  );

  const distClaim = 'Two P-T models are closer in parameter space (ℓ2) than two RI-T models';
  out.push(
    m.distance?.ptPt !== undefined && m.distance.ritRit !== undefined
      ? {
          id: 'distance',
          claim: distClaim,
          measured: `ℓ2 P-T/P-T ${num(m.distance.ptPt)} vs RI-T/RI-T ${num(m.distance.ritRit)}`,
          holds: m.distance.ptPt < m.distance.ritRit,
        }
      : notMeasured('distance', distClaim),
  );

  const noBarrierClaim = 'No performance barrier between two P-T models (same basin)';
  out.push(
    m.barrier?.ptPt !== undefined
      ? {
          id: 'barrier-pt',
          claim: noBarrierClaim,
          measured: `error barrier ${pct(m.barrier.ptPt)} (tolerance ${pct(barrierTol)})`,
          holds: m.barrier.ptPt <= barrierTol,
        }
      : notMeasured('barrier-pt', noBarrierClaim),
  );
  const barrierClaim = 'A performance barrier between two RI-T models';
  out.push(
    m.barrier?.ritRit !== undefined
      ? {
          id: 'barrier-rit',
          claim: barrierClaim,
          measured: `error barrier ${pct(m.barrier.ritRit)} (tolerance ${pct(barrierTol)})`,
          holds: m.barrier.ritRit > barrierTol,
        }
      : notMeasured('barrier-rit', barrierClaim),
  );

  const critClaim = 'Lower modules are less critical than higher ones';
  const crit = m.criticality?.find((c) => c.init === 'PRETRAINED') ?? m.criticality?.[0];
  // NaN is no measurement; +∞ (no feasible α, σ) is a measurement: the module is as critical as it gets
  const mods = crit?.modules.filter((x) => !Number.isNaN(x.criticality)) ?? [];
  if (mods.length >= 2) {
    const half = Math.floor(mods.length / 2);
    // medians, not means: one infinitely critical module would make a mean ∞ and hide the rest
    const median = (xs: typeof mods) => {
      const v = xs.map((x) => x.criticality).sort((a, b) => a - b);
      const mid = Math.floor(v.length / 2);
      return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
    };
    const lower = median(mods.slice(0, half));
    const higher = median(mods.slice(mods.length - half));
    out.push({
      id: 'criticality',
      claim: critClaim,
      measured: `${crit!.init === 'PRETRAINED' ? 'P-T' : 'RI-T'} model: median μ of the lower ${half} modules ${num(lower)} vs the higher ${half} ${num(higher)}`,
      holds: lower < higher,
    });
  } else out.push(notMeasured('criticality', critClaim));

  const ckptClaim = 'Late pretraining checkpoints transfer as well as the final one';
  const sweep = [...(m.checkpointSweep ?? [])].sort((a, b) => a.epoch - b.epoch);
  if (sweep.length >= 2) {
    const final = sweep.at(-1)!;
    const late = sweep.slice(Math.floor(sweep.length / 2), -1);
    const candidates = late.length > 0 ? late : [sweep.at(-2)!];
    const best = candidates.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
    out.push({
      id: 'checkpoints',
      claim: ckptClaim,
      measured: `best late checkpoint (epoch ${best.epoch}) ${pct(best.accuracy)} vs final (epoch ${final.epoch}) ${pct(final.accuracy)}`,
      holds: best.accuracy >= final.accuracy - ckptTol,
    });
  } else out.push(notMeasured('checkpoints', ckptClaim));

  return out;
}

/** The findings as a plain-text table for a terminal. */
export function formatFindings(findings: Finding[]): string {
  const mark = (h: boolean | null) => (h === null ? 'not measured' : h ? 'holds' : 'does not hold');
  const w1 = Math.max(...findings.map((f) => f.claim.length), 5);
  const w2 = Math.max(...findings.map((f) => f.measured.length), 8);
  const line = (a: string, b: string, c: string) => `${a.padEnd(w1)}  ${b.padEnd(w2)}  ${c}`;
  return [
    line('Claim', 'Measured', 'Verdict'),
    line('-'.repeat(w1), '-'.repeat(w2), '-'.repeat(13)),
    ...findings.map((f) => line(f.claim, f.measured, mark(f.holds))),
  ].join('\n');
}
