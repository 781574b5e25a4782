/**
 * Imports a TF.js Layers model (`model.json` plus its binary weight shards, read from disk and parsed here) as a
 * pretrained source: its convolution and dense kernels are mapped onto a Basin ResNet's modules.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { halfToFloat32 } from '@basin/analysis';
import type { ResNet } from './resnet';
import { WeightShapeError } from './resnet';

/** One weight of a Layers model, dequantised to float32. */
export interface LayersWeight {
  /** Its manifest name, e.g. `conv2d_1/kernel`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** Reads `model.json` (or the directory holding it) and every shard its `weightsManifest` lists. */
export async function readLayersModel(
  path: string,
): Promise<{ path: string; topology: unknown; weights: LayersWeight[] }> {
  const jsonPath = path.endsWith('.json') ? path : resolve(path, 'model.json');
  const fail = (msg: string): never => {
    throw new Error(`${jsonPath}: ${msg}`);
  };
  let json: { modelTopology?: unknown; weightsManifest?: unknown };
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new Error(`${jsonPath}: cannot read a TF.js Layers model.json (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!Array.isArray(json.weightsManifest)) fail('no weightsManifest array');
  const weights: LayersWeight[] = [];
  for (const [g, group] of (json.weightsManifest as { paths?: unknown; weights?: unknown }[]).entries()) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights))
      fail(`weightsManifest[${g}] needs paths and weights`);
    const shards = await Promise.all(
      (group.paths as string[]).map(async (p) => {
        const file = resolve(dirname(jsonPath), p);
        try {
          return new Uint8Array(await readFile(file));
        } catch (err) {
          throw new Error(`${jsonPath}: weight shard ${p} cannot be read (${(err as Error).message})`, {
            cause: err,
          });
        }
      }),
    );
    const buf = new Uint8Array(shards.reduce((a, s) => a + s.length, 0));
    let o = 0;
    for (const s of shards) {
      buf.set(s, o);
      o += s.length;
    }
    let offset = 0;
    for (const w of group.weights as ManifestEntry[]) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      const q = w.quantization;
      const bytesPer = q
        ? q.dtype === 'uint8'
          ? 1
          : 2
        : w.dtype === 'float32' || w.dtype === 'int32'
          ? 4
          : 0;
      if (!bytesPer) fail(`weight ${w.name} has unsupported dtype ${w.dtype}`);
      const end = offset + n * bytesPer;
      if (end > buf.length)
        fail(`weight ${w.name} needs bytes ${offset}–${end} but the shards hold ${buf.length}`);
      const bytes = buf.slice(offset, end);
      let data: Float32Array;
      if (!q)
        data =
          w.dtype === 'int32'
            ? Float32Array.from(new Int32Array(bytes.buffer))
            : new Float32Array(bytes.buffer);
      else if (q.dtype === 'float16') data = halfToFloat32(new Uint16Array(bytes.buffer));
      else {
        const ints = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer);
        data = Float32Array.from(ints, (v) => v * (q.scale ?? 1) + (q.min ?? 0));
      }
      weights.push({ name: w.name, shape: [...w.shape], data });
      offset = end;
    }
  }
  return { path: jsonPath, topology: json.modelTopology ?? null, weights };
}

/** Options of {@link importLayersWeights}. */
export interface ImportLayersOptions {
  /**
   * Basin parameter name → Layers weight name. Default: automatic — each conv/fc weight of the model (in module
   * order) takes the next unused Layers `…/kernel` of the same shape, and `fc.bias` the bias of the layer mapped
   * to `fc.weight`.
   */
  mapping?: Record<string, string>;
  /** Modules to leave untouched (e.g. `fc` for a new head). Default none. */
  skip?: readonly string[];
  /** Throw when a conv or fc weight of the model gets no Layers weight. Default true. */
  strict?: boolean;
}

/** What an import did. */
export interface ImportReport {
  /** Basin parameter ← Layers weight. */
  assigned: { param: string; from: string }[];
  /** Layers weights nothing used (e.g. conv biases, which Fixup models do not have). */
  unused: string[];
  /** Basin parameters left as they were (Fixup scalars, skipped modules, unmatched weights when not strict). */
  untouched: string[];
}

/** Maps Layers weights onto `model`'s modules and writes them; see {@link ImportLayersOptions} for the rules. */
export function importLayersWeights(
  model: ResNet,
  weights: LayersWeight[],
  options: ImportLayersOptions = {},
): ImportReport {
  const byName = new Map(weights.map((w) => [w.name, w]));
  const skip = new Set(options.skip ?? []);
  const mapping = new Map<string, string>(Object.entries(options.mapping ?? {}));
  if (!options.mapping) {
    const used = new Set<string>();
    const kernels = weights.filter((w) => w.name.endsWith('/kernel'));
    for (const m of model.modules) {
      if (skip.has(m.name)) continue;
      for (const p of m.params) {
        if (!p.local.endsWith('weight')) continue;
        const k = kernels.find((w) => !used.has(w.name) && w.shape.join() === p.shape.join());
        if (!k) continue;
        used.add(k.name);
        mapping.set(p.name, k.name);
        if (m.kind === 'head') {
          const bias = byName.get(k.name.replace(/kernel$/, 'bias'));
          if (bias) mapping.set(`${m.name}.bias`, bias.name);
        }
      }
    }
  }
  const assigned: ImportReport['assigned'] = [];
  const untouched: string[] = [];
  const writes = new Map<string, Map<string, { shape: number[]; data: Float32Array }>>();
  for (const m of model.modules) {
    for (const p of m.params) {
      const src = skip.has(m.name) ? undefined : mapping.get(p.name);
      if (!src) {
        if ((options.strict ?? true) && !skip.has(m.name) && p.local.endsWith('weight'))
          throw new WeightShapeError(
            `no Layers weight of shape [${p.shape.join(', ')}] for module '${m.name}' parameter '${p.name}'` +
              ` (available kernels: ${weights
                .filter((w) => w.name.endsWith('/kernel'))
                .map((w) => `${w.name} [${w.shape.join(', ')}]`)
                .join(', ')})`,
          );
        untouched.push(p.name);
        continue;
      }
      const w = byName.get(src);
      if (!w)
        throw new WeightShapeError(
          `mapping for '${p.name}' names Layers weight '${src}', which the model does not have`,
        );
      if (w.shape.join() !== p.shape.join())
        throw new WeightShapeError(
          `module '${m.name}' parameter '${p.name}' has shape [${p.shape.join(', ')}] but Layers weight '${src}' is [${w.shape.join(', ')}]`,
        );
      const mod = writes.get(m.name) ?? new Map();
      mod.set(p.local, { shape: w.shape, data: w.data });
      writes.set(m.name, mod);
      assigned.push({ param: p.name, from: src });
    }
  }
  for (const [module, values] of writes) model.setModuleWeights(module, values, { partial: true });
  const usedNames = new Set(assigned.map((a) => a.from));
  return { assigned, unused: weights.filter((w) => !usedNames.has(w.name)).map((w) => w.name), untouched };
}
