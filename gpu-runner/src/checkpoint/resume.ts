/**
 * Resumable training state: a model checkpoint plus the optimiser's momentum buffers, saved beside it as
 * `<checkpoint>.momentum.safetensors` — itself a Basin checkpoint (same modules and parameter names, the values
 * being SGD momentum), marked `basin.contents = sgd-momentum`, so one format and one reader serve both.
 */
import { readFile } from 'node:fs/promises';
import { type CheckpointModule, readCheckpoint, writeCheckpoint } from '@basin/analysis';
import type { ResNet } from '../model/resnet';
import { type CheckpointFile, writeFileAtomic } from './checkpoint';

/** Path of the momentum file that belongs to a checkpoint. */
export function momentumPath(checkpointPath: string): string {
  return `${checkpointPath.replace(/\.safetensors$/, '')}.momentum.safetensors`;
}

/** Writes momentum buffers (parameter name → values) for `model` next to `checkpointPath`. */
export async function saveMomentum(
  model: ResNet,
  checkpointPath: string,
  momentum: ReadonlyMap<string, { shape: number[]; data: Float32Array }>,
  meta: { step: number; epoch: number },
): Promise<CheckpointFile> {
  const modules: CheckpointModule[] = model.modules.map((m) => ({
    name: m.name,
    params: m.params.flatMap((p) => {
      const v = momentum.get(p.name);
      return v ? [{ name: p.name, shape: v.shape, data: v.data }] : [];
    }),
  }));
  const bytes = writeCheckpoint({
    modules,
    metadata: {
      model: model.spec,
      step: meta.step,
      epoch: meta.epoch,
      extra: { 'basin.contents': 'sgd-momentum' },
    },
  });
  return writeFileAtomic(momentumPath(checkpointPath), bytes);
}

/** Reads the momentum saved beside a checkpoint; null when there is none. */
export async function loadMomentum(checkpointPath: string): Promise<{
  step: number;
  epoch: number;
  momentum: Map<string, { shape: number[]; data: Float32Array }>;
} | null> {
  const path = momentumPath(checkpointPath);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const ckpt = readCheckpoint(bytes, path);
  if (ckpt.metadata.extra['basin.contents'] !== 'sgd-momentum')
    throw new Error(
      `${path}: not a momentum file (basin.contents is ${JSON.stringify(ckpt.metadata.extra['basin.contents'])})`,
    );
  const momentum = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const m of ckpt.modules)
    for (const p of m.params) momentum.set(p.name, { shape: p.shape, data: p.data });
  return { step: ckpt.metadata.step, epoch: ckpt.metadata.epoch, momentum };
}
