/**
 * Model checkpoints on disk, in the Basin checkpoint format of `@basin/analysis` (safetensors; tensors named
 * `<module>.<param>`; metadata `basin.format`, `basin.modules`, `basin.model`, `basin.step`, `basin.epoch`).
 * See gpu-runner/README.md for the layout. Writes are atomic (temporary file, then rename).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Checkpoint, type CheckpointModule, readCheckpoint, writeCheckpoint } from '@basin/analysis';
import { ResNet, WeightShapeError } from '../model/resnet';
import { type ModelSpec, parseModelSpec } from '../model/spec';

/** A checkpoint file that was written or read. */
export interface CheckpointFile {
  path: string;
  /** Hex sha256 of the file's bytes (the blob store's content address). */
  sha256: string;
  bytes: number;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /** Optimiser steps taken. Default 0. */
  step?: number;
  /** Epochs completed. Default 0. */
  epoch?: number;
  /** Metrics at save time, stored as JSON in `basin.metrics`. Default none. */
  metrics?: Record<string, number>;
  /** More string metadata (keys must not be Basin's reserved ones). */
  extra?: Record<string, string>;
}

/** Hex sha256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The model's parameters as checkpoint modules (copies of the values). */
export function checkpointModules(model: ResNet): CheckpointModule[] {
  return model.modules.map((m) => ({
    name: m.name,
    params: m.params.map((p) => ({
      name: p.name,
      shape: [...p.shape],
      data: Float32Array.from(model.params.get(p.name)!.dataSync() as Float32Array),
    })),
  }));
}

/** Encodes a model as Basin checkpoint bytes. */
export function encodeModelCheckpoint(model: ResNet, options: SaveCheckpointOptions = {}): Uint8Array {
  const extra: Record<string, string> = { ...options.extra };
  if (options.metrics) extra['basin.metrics'] = JSON.stringify(options.metrics);
  return writeCheckpoint({
    modules: checkpointModules(model),
    metadata: { model: model.spec, step: options.step ?? 0, epoch: options.epoch ?? 0, extra },
  });
}

/** Writes bytes atomically and returns their address. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<CheckpointFile> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
  return { path, sha256: sha256(bytes), bytes: bytes.length };
}

/** Saves a model checkpoint to `path`. */
export async function saveCheckpoint(
  model: ResNet,
  path: string,
  options: SaveCheckpointOptions = {},
): Promise<CheckpointFile> {
  return writeFileAtomic(path, encodeModelCheckpoint(model, options));
}

/** A checkpoint read from disk, with its file address and validated model spec. */
export interface LoadedCheckpoint extends CheckpointFile {
  checkpoint: Checkpoint;
  spec: ModelSpec;
}

/** Reads and validates a checkpoint file; errors name the file. */
export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  const bytes = new Uint8Array(await readFile(path));
  const checkpoint = readCheckpoint(bytes, path);
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(checkpoint.metadata.model);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
  return { path, sha256: sha256(bytes), bytes: bytes.length, checkpoint, spec };
}

/** Options of {@link applyCheckpoint}. */
export interface ApplyCheckpointOptions {
  /** Modules to leave as they are (e.g. `fc` when it is re-initialised). Default none. */
  skip?: readonly string[];
  /** Names the source in errors. Default `checkpoint`. */
  source?: string;
}

/**
 * Loads a checkpoint's weights into `model`, module by module. Every module of the model (except `skip`) must be
 * in the checkpoint with the same parameter shapes; nothing is written unless everything fits.
 *
 * @throws {@link WeightShapeError} naming the module, parameter and both shapes.
 */
export function applyCheckpoint(model: ResNet, ckpt: Checkpoint, options: ApplyCheckpointOptions = {}): void {
  const source = options.source ?? 'checkpoint';
  const skip = new Set(options.skip ?? []);
  const byName = new Map(ckpt.modules.map((m) => [m.name, m]));
  const plan: [string, Map<string, { shape: number[]; data: Float32Array }>][] = [];
  for (const m of model.modules) {
    if (skip.has(m.name)) continue;
    const cm = byName.get(m.name);
    if (!cm) throw new WeightShapeError(`${source} has no module '${m.name}' that ${model.describe()} needs`);
    const values = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const p of m.params) {
      const cp = cm.params.find((x) => x.name === p.name);
      if (!cp) throw new WeightShapeError(`${source}: module '${m.name}' has no parameter '${p.name}'`);
      if (cp.shape.length !== p.shape.length || cp.shape.some((d, i) => d !== p.shape[i]))
        throw new WeightShapeError(
          `${source}: module '${m.name}' parameter '${p.name}' has shape [${cp.shape.join(', ')}] in the checkpoint ` +
            `but [${p.shape.join(', ')}] in ${model.describe()}`,
        );
      values.set(p.local, { shape: cp.shape, data: cp.data });
    }
    plan.push([m.name, values]);
  }
  for (const [name, values] of plan) model.setModuleWeights(name, values);
}

/** Builds a model from a checkpoint (its spec and weights). */
export function modelFromCheckpoint(loaded: {
  checkpoint: Checkpoint;
  spec: ModelSpec;
  path?: string;
}): ResNet {
  const model = ResNet.create(loaded.spec);
  try {
    applyCheckpoint(model, loaded.checkpoint, { source: loaded.path ?? 'checkpoint' });
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
