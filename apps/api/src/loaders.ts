import {
  type AnalysisInputRow,
  type AnalysisRow,
  analysesByIds,
  analysesByInputCheckpointIds,
  analysesByStudyIds,
  analysisInputsByAnalysisIds,
  type CheckpointRow,
  checkpointsByIds,
  checkpointsByModelIds,
  checkpointsByParentIds,
  checkpointsByRunIds,
  countRunsByStudyIds,
  type DatasetRow,
  datasetsByIds,
  type ModelRow,
  metricKeysByRunIds,
  modelsByIds,
  type RunRow,
  runsByIds,
  runsByInitCheckpointIds,
  runsBySweepAnalysisIds,
  type Sql,
  type StudyRow,
  studiesByIds,
} from '@basin/db';
import DataLoader from 'dataloader';

function byId<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await fetch(ids);
    const m = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => m.get(id) ?? null);
  });
}

function grouped<T>(fetch: (ids: readonly string[]) => Promise<T[]>, key: (row: T) => string | null) {
  return new DataLoader<string, T[]>(async (ids) => {
    const out = new Map<string, T[]>(ids.map((id) => [id, []]));
    for (const r of await fetch(ids)) {
      const k = key(r);
      if (k !== null) out.get(k)?.push(r);
    }
    return ids.map((id) => out.get(id) ?? []);
  });
}

/**
 * One DataLoader per relation, made per request and scoped to the caller's team: however many rows a response
 * holds, each relation costs one query per level of the query.
 */
export function createLoaders(sql: Sql, teamId: string) {
  return {
    run: byId<RunRow>((ids) => runsByIds(sql, teamId, ids)),
    study: byId<StudyRow>((ids) => studiesByIds(sql, teamId, ids)),
    dataset: byId<DatasetRow>((ids) => datasetsByIds(sql, teamId, ids)),
    model: byId<ModelRow>((ids) => modelsByIds(sql, teamId, ids)),
    checkpoint: byId<CheckpointRow>((ids) => checkpointsByIds(sql, teamId, ids)),
    analysis: byId<AnalysisRow>((ids) => analysesByIds(sql, teamId, ids)),
    checkpointsByRun: grouped<CheckpointRow>(
      (ids) => checkpointsByRunIds(sql, teamId, ids),
      (r) => r.runId,
    ),
    checkpointsByModel: grouped<CheckpointRow>(
      (ids) => checkpointsByModelIds(sql, teamId, ids),
      (r) => r.modelId,
    ),
    childCheckpoints: grouped<CheckpointRow>(
      (ids) => checkpointsByParentIds(sql, teamId, ids),
      (r) => r.parentCheckpointId,
    ),
    runsFromCheckpoint: grouped<RunRow>(
      (ids) => runsByInitCheckpointIds(sql, teamId, ids),
      (r) => r.initCheckpointId,
    ),
    runsBySweep: grouped<RunRow & { sweepId: string }>(
      (ids) => runsBySweepAnalysisIds(sql, teamId, ids),
      (r) => r.sweepId,
    ),
    analysesByStudy: grouped<AnalysisRow>(
      (ids) => analysesByStudyIds(sql, teamId, ids),
      (r) => r.studyId,
    ),
    analysesByCheckpoint: grouped<AnalysisRow & { inputCheckpointId: string }>(
      (ids) => analysesByInputCheckpointIds(sql, teamId, ids),
      (r) => r.inputCheckpointId,
    ),
    // inputs are only reached through an analysis already checked to be the team's
    analysisInputs: grouped<AnalysisInputRow>(
      (ids) => analysisInputsByAnalysisIds(sql, ids),
      (r) => r.analysisId,
    ),
    metricKeys: grouped<{ runId: string; key: string; minStep: number; maxStep: number }>(
      (ids) => metricKeysByRunIds(sql, ids),
      (r) => r.runId,
    ),
    runCountByStudy: new DataLoader<string, number>(async (ids) => {
      const m = await countRunsByStudyIds(sql, teamId, ids);
      return ids.map((id) => m.get(id) ?? 0);
    }),
  };
}

/** The per-request loaders of {@link createLoaders}. */
export type Loaders = ReturnType<typeof createLoaders>;
