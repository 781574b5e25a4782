/**
 * Basin checkpoints: safetensors files whose tensors are named `<module>.<param>` and whose metadata says which
 * module owns which tensors (`basin.modules`), the model spec (`basin.model`), `basin.step` and `basin.epoch`.
 */
import { halfToFloat32 } from './half';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors';

/** Value of `basin.format` in every Basin checkpoint. */
export const CHECKPOINT_FORMAT = 'basin-checkpoint/1';

/** One parameter tensor of a module, e.g. `layer1.0.conv1.weight`. */
export interface CheckpointParam {
  /** Full tensor name, `<module>.<param>`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A named module (`conv1`, `layer1.0`, …, `fc`) and its parameters, in the order the checkpoint lists them. */
export interface CheckpointModule {
  name: string;
  params: CheckpointParam[];
}

/** What a checkpoint says about itself. */
export interface CheckpointMetadata {
  /** The model spec (`basin.model`), parsed from JSON. */
  model: unknown;
  /** Optimiser step at save time (`basin.step`). */
  step: number;
  /** Epoch at save time (`basin.epoch`). */
  epoch: number;
  /** Every other metadata entry, verbatim. */
  extra: Record<string, string>;
}

/** A decoded checkpoint. */
export interface Checkpoint {
  modules: CheckpointModule[];
  metadata: CheckpointMetadata;
}

/** Thrown for files that are not valid Basin checkpoints; the message names the source and the problem. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const RESERVED = new Set(['basin.format', 'basin.modules', 'basin.model', 'basin.step', 'basin.epoch']);

function toFloat32(t: SafeTensor, name: string, fail: (m: string) => never): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.dtype === 'F64') return Float32Array.from(t.data as Float64Array);
  if (t.dtype === 'F16') return halfToFloat32(t.data as Uint16Array);
  return fail(`parameter '${name}' has dtype ${t.dtype}; checkpoint parameters must be F32, F64 or F16`);
}

function parseInt0(s: string | undefined, key: string, fail: (m: string) => never): number {
  if (s === undefined) return fail(`metadata '${key}' is missing`);
  const v = Number(s);
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(v)) {
    return fail(`metadata '${key}' is ${JSON.stringify(s)}, expected a non-negative integer`);
  }
  return v;
}

/**
 * Decodes and validates a Basin checkpoint.
 *
 * @param source - Names the input (usually its path) in error messages.
 * @throws {@link CheckpointError} (or `SafetensorsError` for a broken container) naming the source and what is wrong:
 * wrong `basin.format`, malformed `basin.modules`, a listed parameter that is missing or not under its module's
 * name, a tensor no module owns, a parameter listed twice, non-float parameters, bad `basin.step`/`basin.epoch`.
 * F64 and F16 parameters are converted to float32.
 */
export function readCheckpoint(bytes: Uint8Array, source = '<checkpoint>'): Checkpoint {
  const fail = (msg: string): never => {
    throw new CheckpointError(`${source}: ${msg}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const format = metadata['basin.format'];
  if (format !== CHECKPOINT_FORMAT) {
    fail(
      format === undefined
        ? `not a Basin checkpoint: metadata 'basin.format' is missing`
        : `unsupported checkpoint format ${JSON.stringify(format)} (expected ${CHECKPOINT_FORMAT})`,
    );
  }
  const parseJson = (key: string): unknown => {
    const raw = metadata[key];
    if (raw === undefined) return fail(`metadata '${key}' is missing`);
    try {
      return JSON.parse(raw);
    } catch {
      return fail(`metadata '${key}' is not valid JSON`);
    }
  };
  const list = parseJson('basin.modules');
  if (!Array.isArray(list)) fail(`metadata 'basin.modules' must be a JSON array of {name, params}`);
  const model = parseJson('basin.model');
  const step = parseInt0(metadata['basin.step'], 'basin.step', fail);
  const epoch = parseInt0(metadata['basin.epoch'], 'basin.epoch', fail);

  const owner = new Map<string, string>();
  const seenModules = new Set<string>();
  const modules: CheckpointModule[] = [];
  for (const [i, m] of (list as unknown[]).entries()) {
    const { name, params } = (m ?? {}) as { name?: unknown; params?: unknown };
    if (typeof name !== 'string' || name === '') fail(`basin.modules[${i}] has no string 'name'`);
    if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) {
      fail(`module '${name}' in basin.modules has no string array 'params'`);
    }
    const modName = name as string;
    if (seenModules.has(modName)) fail(`module '${modName}' is listed twice in basin.modules`);
    seenModules.add(modName);
    const out: CheckpointParam[] = [];
    for (const p of params as string[]) {
      if (!p.startsWith(`${modName}.`))
        fail(`parameter '${p}' of module '${modName}' is not named '${modName}.<param>'`);
      const prev = owner.get(p);
      if (prev !== undefined) fail(`parameter '${p}' is listed by both '${prev}' and '${modName}'`);
      owner.set(p, modName);
      const t = tensors.get(p);
      if (!t)
        return fail(`parameter '${p}' of module '${modName}' is listed in basin.modules but has no tensor`);
      out.push({ name: p, shape: t.shape, data: toFloat32(t, p, fail) });
    }
    modules.push({ name: modName, params: out });
  }
  for (const name of tensors.keys()) {
    if (!owner.has(name)) fail(`tensor '${name}' belongs to no module in basin.modules`);
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!RESERVED.has(k)) extra[k] = v;
  return { modules, metadata: { model, step, epoch, extra } };
}

/**
 * Encodes a checkpoint as safetensors with Basin's metadata. Validates what {@link readCheckpoint} checks, so a
 * written checkpoint always reads back.
 *
 * @throws {@link CheckpointError} on duplicate or mis-prefixed names, shape/data mismatches, bad step/epoch, or
 * `extra` keys that collide with Basin's own.
 */
export function writeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const fail = (msg: string): never => {
    throw new CheckpointError(`writeCheckpoint: ${msg}`);
  };
  const { step, epoch, model, extra } = ckpt.metadata;
  if (!Number.isSafeInteger(step) || step < 0) fail(`step must be a non-negative integer, got ${step}`);
  if (!Number.isSafeInteger(epoch) || epoch < 0) fail(`epoch must be a non-negative integer, got ${epoch}`);
  const modelJson = JSON.stringify(model ?? null);
  const tensors: Record<string, SafeTensor> = {};
  const seen = new Set<string>();
  for (const m of ckpt.modules) {
    if (!m.name) fail('a module has an empty name');
    if (seen.has(m.name)) fail(`module '${m.name}' appears twice`);
    seen.add(m.name);
    for (const p of m.params) {
      if (!p.name.startsWith(`${m.name}.`))
        fail(`parameter '${p.name}' of module '${m.name}' must be named '${m.name}.<param>'`);
      if (Object.hasOwn(tensors, p.name)) fail(`parameter '${p.name}' appears twice`);
      if (!(p.data instanceof Float32Array)) fail(`parameter '${p.name}' data must be a Float32Array`);
      const n = p.shape.reduce((a, b) => a * b, 1);
      if (n !== p.data.length)
        fail(`parameter '${p.name}' has shape [${p.shape.join(', ')}] but ${p.data.length} values`);
      tensors[p.name] = { dtype: 'F32', shape: p.shape, data: p.data };
    }
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (RESERVED.has(k)) fail(`extra metadata key '${k}' is reserved`);
    metadata[k] = v;
  }
  metadata['basin.format'] = CHECKPOINT_FORMAT;
  metadata['basin.modules'] = JSON.stringify(
    ckpt.modules.map((m) => ({ name: m.name, params: m.params.map((p) => p.name) })),
  );
  metadata['basin.model'] = modelJson;
  metadata['basin.step'] = String(step);
  metadata['basin.epoch'] = String(epoch);
  return encodeSafetensors(tensors, metadata);
}
