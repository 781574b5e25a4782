/**
 * The `block_shuffle_sweep` and `checkpoint_sweep` tasks. A sweep's child runs are created by the API (QUEUED,
 * `sweep_analysis_id` set); this handler advances the sweep: the first time it enqueues one fine-tune job per
 * child, and once every child has finished (the last one re-enqueues this task, see @basin/db's advanceSweep) it writes
 * the summary. It is idempotent: running it again changes nothing that is already done.
 */
import { aggregate } from '@basin/analysis';
import {
  type BlockShuffleResult,
  type BlockShuffleRow,
  type CheckpointSweepPoint,
  type CheckpointSweepResult,
  checkpointsByIds,
  datasetById,
  finishSweep,
  lockSweep,
  type RunRow,
  type SeedStats,
  type Sql,
  startSweep,
  transaction,
} from '@basin/db';
import { jsonSafe } from './analysis-job';
import type { JobEnv } from './context';
import { singleSeedFlag, uniqueFlags } from './sanity';

/** A sweep's child run, as its summary reads it. */
export type ChildRun = Pick<
  RunRow,
  'id' | 'init' | 'initCheckpointId' | 'datasetId' | 'blockSize' | 'seed' | 'status' | 'error'
> & { summary: { testAcc?: number | null; speed?: number | null } };

/** Mean, sample std and 95% CI of per-seed values (the CI collapses to the mean for one value). */
export function seedStats(values: number[]): SeedStats {
  const a = aggregate(values);
  const one = values.length < 2;
  return {
    mean: a.mean,
    std: one ? 0 : a.std,
    ciLow: one ? a.mean : a.ci[0],
    ciHigh: one ? a.mean : a.ci[1],
    n: a.n,
    values,
  };
}

/** Advances one sweep (fan out, or summarise when every child has finished). */
export async function sweepJob(env: JobEnv, analysisId: string): Promise<void> {
  await transaction(env.sql, async (t) => {
    const locked = await lockSweep(t, analysisId);
    if (!locked || !['QUEUED', 'RUNNING'].includes(locked.sweep.status)) return;
    const { sweep: a, children } = locked;
    if (a.status === 'QUEUED') {
      const queued = await startSweep(t, env.bus, a, children);
      const reused = children.length - queued;
      env.log.info(
        `sweep ${a.id} (${a.kind}): ${queued} fine-tunes queued${reused ? `, ${reused} of the study's runs reused` : ''}`,
      );
    }
    if (children.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING')) return;
    const failed = children.filter((r) => r.status !== 'SUCCEEDED');
    const finish = (status: 'SUCCEEDED' | 'FAILED', result: unknown, error: string | null) =>
      finishSweep(t, env.bus, a, status, result, error);
    if (children.length === 0) return finish('FAILED', null, `sweep ${a.id} has no runs`);
    if (failed.length > 0) {
      const list = failed.slice(0, 5).map((r) => `run ${r.id} ${r.status}${r.error ? `: ${r.error}` : ''}`);
      return finish(
        'FAILED',
        null,
        `${failed.length} of ${children.length} runs did not succeed (${list.join('; ')})`,
      );
    }
    const result =
      a.kind === 'BLOCK_SHUFFLE'
        ? blockShuffleResult(a.params, children, await channelsOf(t, a.params, children))
        : await checkpointSweepResult(t, a.teamId, a.params, children);
    await finish('SUCCEEDED', jsonSafe(result), null);
    env.log.info(`sweep ${a.id} (${a.kind}): SUCCEEDED`);
  });
}

const acc = (r: ChildRun) => r.summary.testAcc ?? Number.NaN;
const speed = (r: ChildRun) => r.summary.speed ?? Number.NaN;
const bySeed = (a: ChildRun, b: ChildRun) => a.seed - b.seed;

/** Channels of the sweep's images (`image_shape[2]` of its dataset); null when the dataset is not found. */
async function channelsOf(
  sql: Sql,
  params: Record<string, unknown>,
  runs: ChildRun[],
): Promise<number | null> {
  const id = params.datasetId ?? runs[0]?.datasetId;
  if (id === undefined || id === null) return null;
  return (await datasetById(sql, String(id)))?.imageShape?.[2] ?? null;
}

/**
 * On 1-channel images a 1×1 block is one value, so b = 1 and "*" (0) permute every value alike: the two rows measure
 * the same thing (not two shuffles). The note for a row of such a sweep, null otherwise.
 */
export function blockShuffleNote(
  blockSize: number | null,
  sizes: readonly (number | null)[],
  channels: number | null,
): string | null {
  if (channels !== 1 || (blockSize !== 0 && blockSize !== 1)) return null;
  const other = blockSize === 0 ? 1 : 0;
  return sizes.includes(other)
    ? `same shuffle as ${blockSize === 0 ? 'b = 1' : '"*"'}: on 1-channel images a 1×1 block is one value, so both permute every value`
    : blockSize === 1
      ? 'on 1-channel images a 1×1 block is one value: b = 1 is the pixel shuffle "*"'
      : null;
}

export function blockShuffleResult(
  params: Record<string, unknown>,
  runs: ChildRun[],
  channels: number | null = null,
): BlockShuffleResult {
  const sizes = Array.isArray(params.blockSizes)
    ? (params.blockSizes as (number | null)[])
    : [...new Set(runs.map((r) => r.blockSize))];
  const rows: BlockShuffleRow[] = sizes.map((b) => {
    const at = runs.filter((r) => r.blockSize === b);
    const pt = at.filter((r) => r.init === 'PRETRAINED').sort(bySeed);
    const rit = at.filter((r) => r.init === 'RANDOM').sort(bySeed);
    const drops = pt.flatMap((p) => {
      const r = rit.find((x) => x.seed === p.seed);
      return r ? [(100 * (acc(p) - acc(r))) / acc(p)] : [];
    });
    return {
      blockSize: b,
      label: b === null ? 'none' : b === 0 ? '*' : String(b),
      pretrainedAccuracy: seedStats(pt.map(acc)),
      randomAccuracy: seedStats(rit.map(acc)),
      pretrainedSpeed: seedStats(pt.map(speed)),
      randomSpeed: seedStats(rit.map(speed)),
      relativeDrop: seedStats(drops),
      pretrainedRunIds: pt.map((r) => r.id),
      randomRunIds: rit.map((r) => r.id),
      note: blockShuffleNote(b, sizes, channels),
    };
  });
  return {
    kind: 'BLOCK_SHUFFLE',
    datasetId: String(params.datasetId ?? runs[0]?.datasetId ?? ''),
    pretrainCheckpointId: String(params.pretrainCheckpointId ?? ''),
    seeds: Array.isArray(params.seeds) ? (params.seeds as number[]) : [...new Set(runs.map((r) => r.seed))],
    rows,
    sanity: uniqueFlags([
      singleSeedFlag(
        rows.map((r) => Math.min(r.pretrainedAccuracy.n, r.randomAccuracy.n)),
        'block-size rows',
      ),
    ]),
  };
}

async function checkpointSweepResult(
  sql: Sql,
  teamId: string,
  params: Record<string, unknown>,
  runs: ChildRun[],
): Promise<CheckpointSweepResult> {
  const ids = Array.isArray(params.checkpointIds)
    ? (params.checkpointIds as string[])
    : [...new Set(runs.flatMap((r) => (r.initCheckpointId ? [r.initCheckpointId] : [])))];
  const ckpts = await checkpointsByIds(sql, teamId, ids);
  const points: CheckpointSweepPoint[] = ckpts
    .map((c) => {
      const at = runs.filter((r) => r.initCheckpointId === c.id).sort(bySeed);
      return {
        checkpointId: c.id,
        epoch: c.epoch,
        step: c.step,
        accuracy: seedStats(at.map(acc)),
        speed: seedStats(at.map(speed)),
        runIds: at.map((r) => r.id),
      };
    })
    .sort((a, b) => a.epoch - b.epoch || a.step - b.step);
  const random = runs.filter((r) => r.init === 'RANDOM').sort(bySeed);
  const seedsPerCell = [...points.map((pt) => pt.accuracy.n), ...(random.length ? [random.length] : [])];
  return {
    kind: 'CHECKPOINT_SWEEP',
    pretrainRunId: String(params.pretrainRunId ?? ''),
    datasetId: String(params.datasetId ?? runs[0]?.datasetId ?? ''),
    seeds: Array.isArray(params.seeds) ? (params.seeds as number[]) : [...new Set(runs.map((r) => r.seed))],
    points,
    randomInit: random.length
      ? {
          accuracy: seedStats(random.map(acc)),
          speed: seedStats(random.map(speed)),
          runIds: random.map((r) => r.id),
        }
      : null,
    sanity: uniqueFlags([
      singleSeedFlag(seedsPerCell, random.length ? 'points (random-init baseline included)' : 'points'),
    ]),
  };
}
