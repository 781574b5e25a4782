import type { AnalysisKind } from '@basin/db';
import { badInput } from '../errors';

type Params = Record<string, unknown>;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function bool(p: Params, key: string, dflt: boolean): boolean {
  const v = p[key] ?? dflt;
  if (typeof v !== 'boolean') throw badInput(`input.params.${key}`, v, 'true or false');
  return v;
}

function int(p: Params, key: string, dflt: number, min: number, max: number): number {
  const v = p[key] ?? dflt;
  if (!isInt(v) || v < min || v > max)
    throw badInput(`input.params.${key}`, v, `an integer from ${min} to ${max}`);
  return v;
}

function num(p: Params, key: string, dflt: number, min: number, max: number): number {
  const v = p[key] ?? dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= min || v > max) {
    throw badInput(`input.params.${key}`, v, `a number in (${min}, ${max}]`);
  }
  return v;
}

function split(p: Params): string {
  const v = p.split ?? 'test';
  if (v !== 'test' && v !== 'train') throw badInput('input.params.split', v, '"test" or "train"');
  return v;
}

function grid(p: Params, key: string, dflt: number[]): number[] {
  const v = p[key] ?? dflt;
  if (
    !Array.isArray(v) ||
    v.length < 1 ||
    v.length > 101 ||
    v.some((x) => typeof x !== 'number' || !(x > 0) || x > 1)
  ) {
    throw badInput(`input.params.${key}`, v, 'a list of 1 to 101 numbers in (0, 1]');
  }
  return v as number[];
}

/** i/10 for i = 1..10 plus a small first point: 11 points in (0, 1], as Google's reference uses. */
const DEFAULT_GRID = [0.01, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Every pair of positions (i < j), or the `pairs` the caller listed, checked against `n` inputs. */
function pairs(p: Params, n: number): [number, number][] {
  if (p.pairs === undefined || p.pairs === null) {
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
    return out;
  }
  const v = p.pairs;
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    v.some(
      (q) =>
        !Array.isArray(q) || q.length !== 2 || !q.every((i) => isInt(i) && i >= 0 && i < n) || q[0] === q[1],
    )
  ) {
    throw badInput('input.params.pairs', v, `a list of [i, j] pairs of distinct input positions below ${n}`);
  }
  return v as [number, number][];
}

/** Optional keys every data-reading kind accepts: the dataset to evaluate on (checked by the resolver). */
function common(p: Params): Params {
  if (p.datasetId === undefined || p.datasetId === null) return {};
  if (typeof p.datasetId !== 'string' || !/^[1-9][0-9]{0,18}$/.test(p.datasetId)) {
    throw badInput('input.params.datasetId', p.datasetId, 'a dataset id, e.g. "3"');
  }
  return { datasetId: p.datasetId };
}

/** `modules`: a subset of module names to analyse (default every named module). */
function modules(p: Params): Params {
  const v = p.modules;
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v) || v.length === 0 || v.some((m) => typeof m !== 'string' || m.length === 0)) {
    throw badInput('input.params.modules', v, 'a non-empty list of module names, e.g. ["conv1", "layer1.0"]');
  }
  return { modules: v };
}

/**
 * Checks an analysis's parameters for its kind and returns them with every default filled in (what the runner
 * reads); `inputs` is the number of inputs.
 */
export function normalizeParams(kind: AnalysisKind, raw: Params | null | undefined, inputs: number): Params {
  const p = raw ?? {};
  switch (kind) {
    case 'CKA':
      return {
        ...common(p),
        ...modules(p),
        debiased: bool(p, 'debiased', false),
        examples: int(p, 'examples', 2000, 2, 100_000),
        split: split(p),
        pairs: pairs(p, inputs),
      };
    case 'MISTAKES':
      return {
        ...common(p),
        examples: int(p, 'examples', 10_000, 1, 1_000_000),
        split: split(p),
        pairs: pairs(p, inputs),
      };
    case 'PARAM_DISTANCE':
      return { pairs: pairs(p, inputs) };
    case 'BARRIER':
      return {
        ...common(p),
        points: int(p, 'points', 21, 3, 101),
        examples: int(p, 'examples', 10_000, 1, 1_000_000),
        split: split(p),
        pairs: pairs(p, inputs),
      };
    case 'MODULE_CRITICALITY':
      return {
        ...common(p),
        ...modules(p),
        epsilon: num(p, 'epsilon', 0.01, 0, 10),
        alphas: grid(p, 'alphas', DEFAULT_GRID),
        sigmas: grid(p, 'sigmas', DEFAULT_GRID),
        noiseSamples: int(p, 'noiseSamples', 10, 1, 1000),
        examples: int(p, 'examples', 10_000, 1, 1_000_000),
      };
    default:
      throw badInput('input.kind', kind, 'CKA, MISTAKES, PARAM_DISTANCE, BARRIER or MODULE_CRITICALITY');
  }
}
