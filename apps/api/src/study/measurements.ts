import type { RunOutcome, StudyMeasurements, TargetMeasurements } from '@basin/analysis/findings';
import type { AnalysisResult, AnalysisRow, DatasetRow, ModelRef, RunRow } from '@basin/db';

/** What the measurements need from the study's rows (loaded by the resolver). */
export interface StudyRows {
  /** The study's analyses, newest first (as the loaders return them). */
  analyses: readonly AnalysisRow[];
  /** Every run the analyses and the comparison refer to, by id. */
  runs: ReadonlyMap<string, RunRow>;
  /** The study's main fine-tunes: finished, unshuffled, not part of a sweep. */
  finetunes: readonly RunRow[];
  datasets: ReadonlyMap<string, DatasetRow>;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/** The finished analyses of a study, one per name (the newest: a re-run replaces, it does not add a sample). */
export function latestResults(analyses: readonly AnalysisRow[]): AnalysisRow[] {
  const seen = new Set<string>();
  const out: AnalysisRow[] = [];
  for (const a of [...analyses].sort((x, y) => Number(y.id) - Number(x.id))) {
    if (a.status !== 'SUCCEEDED' || !a.result || seen.has(a.name)) continue;
    seen.add(a.name);
    out.push(a);
  }
  return out;
}

/** Run ids an analysis result refers to (its compared models). */
export function referencedRunIds(r: AnalysisResult): string[] {
  const refs: (ModelRef | undefined)[] =
    r.kind === 'MODULE_CRITICALITY'
      ? [r.final, r.initial]
      : r.kind === 'BLOCK_SHUFFLE' || r.kind === 'CHECKPOINT_SWEEP'
        ? []
        : r.pairs.flatMap((p) => [p.a, p.b]);
  return refs.flatMap((x) => (x?.runId ? [x.runId] : []));
}

/**
 * Turns a study's rows into the measurements its claims are judged on, per target dataset.
 * @remarks P-T and RI-T accuracy and speed come from the main fine-tunes' own summaries (final test accuracy,
 * training accuracy over the same early epochs, whether the plateau criterion stopped them). An analysis belongs
 * to the target its fine-tuned inputs were trained on (sweeps name their dataset). A stored result's sanity flags
 * travel with it: they make its claim inconclusive.
 */
export function measurementsFrom(rows: StudyRows): StudyMeasurements {
  const targets = new Map<string, TargetMeasurements>();
  const datasetName = (id: string) => rows.datasets.get(id)?.name ?? `dataset ${id}`;
  const at = (datasetId: string) => {
    const name = datasetName(datasetId);
    let t = targets.get(name);
    if (!t) {
      t = { target: name, side: rows.datasets.get(datasetId)?.imageShape[0] };
      targets.set(name, t);
    }
    return t;
  };
  const push = <K extends keyof TargetMeasurements>(
    t: TargetMeasurements,
    key: K,
    items: NonNullable<TargetMeasurements[K]>,
  ) => {
    const list = (t[key] ?? []) as unknown[];
    list.push(...(items as unknown[]));
    (t as unknown as Record<string, unknown>)[key] = list;
  };

  for (const r of [...rows.finetunes].sort((a, b) => a.seed - b.seed || Number(a.id) - Number(b.id))) {
    const accuracy = num(r.summary.testAcc);
    if (accuracy === null) continue;
    const classes = rows.datasets.get(r.datasetId)?.classes.length ?? 0;
    const outcome: RunOutcome = {
      runId: r.id,
      seed: r.seed,
      accuracy,
      speed: num(r.summary.speed),
      speedEpochs: num(r.summary.speedEpochs),
      converged: typeof r.summary.converged === 'boolean' ? r.summary.converged : null,
      epochs: num(r.summary.epochs) ?? 0,
      chance: classes > 0 ? 1 / classes : 0,
    };
    push(at(r.datasetId), r.init === 'PRETRAINED' ? 'pretrained' : 'random', [outcome]);
  }

  for (const a of latestResults(rows.analyses)) {
    const r = a.result!;
    const named = (r as { dataset?: { id?: string } | null; datasetId?: string }).dataset?.id;
    const datasetId =
      named ??
      ('datasetId' in r && typeof r.datasetId === 'string' && r.datasetId
        ? r.datasetId
        : referencedRunIds(r)
            .map((id) => rows.runs.get(id))
            .find((run) => run?.kind === 'FINETUNE')?.datasetId);
    if (!datasetId) continue;
    const t = at(datasetId);
    const flags = ((r as { sanity?: { message: string }[] }).sanity ?? []).map((f) => f.message);
    if (flags.length) t.flags = { ...t.flags, [r.kind]: [...(t.flags?.[r.kind] ?? []), ...flags] };
    switch (r.kind) {
      case 'MISTAKES':
        push(
          t,
          'mistakes',
          r.pairs.map((p) => ({
            pairType: p.pairType,
            value: (p.onlyA + p.onlyB) / r.examples,
            common: p.common / r.examples,
          })),
        );
        break;
      case 'CKA':
        push(
          t,
          'cka',
          r.pairs.map((p) => {
            const modules = p.modulesA.flatMap((name, i) => {
              const j = p.modulesB.indexOf(name);
              const v = j >= 0 ? p.values[i]?.[j] : undefined;
              return v !== undefined && Number.isFinite(v) ? [{ module: name, value: v }] : [];
            });
            return { pairType: p.pairType, value: mean(modules.map((m) => m.value)), modules };
          }),
        );
        break;
      case 'PARAM_DISTANCE':
        push(
          t,
          'distance',
          r.pairs.map((p) => ({
            pairType: p.pairType,
            value: p.total,
            modules: p.modules.map((m) => ({ module: m.module, value: m.distance })),
          })),
        );
        break;
      case 'BARRIER':
        push(
          t,
          'barrier',
          r.pairs.map((p) => ({ pairType: p.pairType, value: p.errorBarrier })),
        );
        break;
      case 'MODULE_CRITICALITY': {
        const run = r.final.runId ? rows.runs.get(r.final.runId) : undefined;
        push(t, 'criticality', [
          {
            init: run?.init ?? 'PRETRAINED',
            seed: run?.seed ?? null,
            // no feasible (α, σ): as critical as it gets
            modules: r.modules.map((m) => ({
              module: m.module,
              value: m.criticality ?? Number.POSITIVE_INFINITY,
            })),
          },
        ]);
        break;
      }
      case 'BLOCK_SHUFFLE':
        // newest first: an older sweep of the same target does not replace it
        t.blockShuffle ??= r.rows.map((row) => ({
          blockSize: row.blockSize,
          label: row.label,
          pretrained: row.pretrainedAccuracy.values,
          random: row.randomAccuracy.values,
          relativeDrop: row.relativeDrop.values,
          pretrainedSpeed: row.pretrainedSpeed.values,
          randomSpeed: row.randomSpeed.values,
        }));
        break;
      case 'CHECKPOINT_SWEEP':
        t.checkpointSweep ??= r.points.map((p) => ({ epoch: p.epoch, accuracy: p.accuracy.values }));
        break;
    }
  }
  return { targets: [...targets.values()] };
}
