import type { Sql } from '../connect';
import type { RunStatus } from '../events';
import type { AnalysisKind, AnalysisResult } from '../results';
import { idArray } from './ids';

/** An analysis: its kind, parameters, status and (once SUCCEEDED) its typed result. */
export interface AnalysisRow {
  id: string;
  teamId: string;
  studyId: string | null;
  kind: AnalysisKind;
  name: string;
  params: Record<string, unknown>;
  status: RunStatus;
  result: AnalysisResult | null;
  error: string | null;
  progress: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A lineage edge: what an analysis took as input (exactly one of checkpoint and run). */
export interface AnalysisInputRow {
  analysisId: string;
  position: number;
  role: string;
  checkpointId: string | null;
  runId: string | null;
}

/** What `createAnalysis` stores (status QUEUED). */
export interface NewAnalysis {
  kind: AnalysisKind;
  studyId?: string | null;
  name?: string;
  params?: Record<string, unknown>;
  inputs?: readonly { role?: string; checkpointId?: string | null; runId?: string | null }[];
}

/** An `analyses` row as PostgreSQL returns it. */
export interface AnalysisRaw {
  id: string;
  team_id: string;
  study_id: string | null;
  kind: AnalysisKind;
  name: string;
  params: Record<string, unknown>;
  status: RunStatus;
  result: AnalysisResult | null;
  error: string | null;
  progress: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS =
  'id, team_id, study_id, kind, name, params, status, result, error, progress, created_at, started_at, finished_at';

/** An `analyses` row in the shape every package uses. */
export const mapAnalysis = (r: AnalysisRaw): AnalysisRow => ({
  id: r.id,
  teamId: r.team_id,
  studyId: r.study_id,
  kind: r.kind,
  name: r.name,
  params: r.params,
  status: r.status,
  result: r.result,
  error: r.error,
  progress: r.progress,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** A team's analyses by id (any order; other teams' and missing ids are absent). */
export async function analysesByIds(
  sql: Sql,
  teamId: string,
  ids: readonly string[],
): Promise<AnalysisRow[]> {
  if (ids.length === 0) return [];
  const rows = await sql<AnalysisRaw[]>`
    select ${sql.unsafe(COLUMNS)} from analyses
    where team_id = ${teamId} and id = any(${idArray(sql, ids)}::bigint[])`;
  return rows.map(mapAnalysis);
}

/** Analyses of any of these studies, newest first. */
export async function analysesByStudyIds(
  sql: Sql,
  teamId: string,
  studyIds: readonly string[],
): Promise<AnalysisRow[]> {
  if (studyIds.length === 0) return [];
  const rows = await sql<AnalysisRaw[]>`
    select ${sql.unsafe(COLUMNS)} from analyses
    where team_id = ${teamId} and study_id = any(${idArray(sql, studyIds)}::bigint[]) order by id desc`;
  return rows.map(mapAnalysis);
}

/** Analyses that took any of these checkpoints as input, with the checkpoint each row matched. */
export async function analysesByInputCheckpointIds(
  sql: Sql,
  teamId: string,
  checkpointIds: readonly string[],
): Promise<(AnalysisRow & { inputCheckpointId: string })[]> {
  if (checkpointIds.length === 0) return [];
  const rows = await sql<(AnalysisRaw & { input_checkpoint_id: string })[]>`
    select distinct on (i.checkpoint_id, a.id) ${sql.unsafe(COLUMNS.replace(/(\w+)/g, 'a.$1'))},
      i.checkpoint_id as input_checkpoint_id
    from analysis_inputs i join analyses a on a.id = i.analysis_id
    where a.team_id = ${teamId} and i.checkpoint_id = any(${idArray(sql, checkpointIds)}::bigint[])
    order by i.checkpoint_id, a.id`;
  return rows.map((r) => ({ ...mapAnalysis(r), inputCheckpointId: r.input_checkpoint_id }));
}

/** Inputs of any of these analyses, in position order. */
export async function analysisInputsByAnalysisIds(
  sql: Sql,
  analysisIds: readonly string[],
): Promise<AnalysisInputRow[]> {
  if (analysisIds.length === 0) return [];
  const rows = await sql<
    {
      analysis_id: string;
      position: number;
      role: string;
      checkpoint_id: string | null;
      run_id: string | null;
    }[]
  >`
    select analysis_id, position, role, checkpoint_id, run_id from analysis_inputs
    where analysis_id = any(${idArray(sql, analysisIds)}::bigint[]) order by analysis_id, position`;
  return rows.map((r) => ({
    analysisId: r.analysis_id,
    position: r.position,
    role: r.role,
    checkpointId: r.checkpoint_id,
    runId: r.run_id,
  }));
}

/** Inserts an analysis (status QUEUED) and its input edges; call inside a transaction. */
export async function createAnalysis(sql: Sql, teamId: string, a: NewAnalysis): Promise<AnalysisRow> {
  const [r] = await sql<AnalysisRaw[]>`
    insert into analyses (team_id, study_id, kind, name, params)
    values (${teamId}, ${a.studyId ?? null}, ${a.kind}, ${a.name ?? ''}, ${sql.json((a.params ?? {}) as never)})
    returning ${sql.unsafe(COLUMNS)}`;
  const row = mapAnalysis(r!);
  const inputs = a.inputs ?? [];
  if (inputs.length > 0) {
    await sql`insert into analysis_inputs ${sql(
      inputs.map((inp, position) => ({
        analysis_id: row.id,
        position,
        role: inp.role ?? '',
        checkpoint_id: inp.checkpointId ?? null,
        run_id: inp.runId ?? null,
      })) as never,
    )}`;
  }
  return row;
}
