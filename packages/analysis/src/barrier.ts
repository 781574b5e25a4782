/**
 * Performance barrier along the straight line between two solutions: θ(λ) = (1−λ)θ₁ + λθ₂,
 * barrier = max_λ [L(θ(λ)) − ((1−λ)L(θ₁) + λL(θ₂))], for the loss and for the error.
 */
import type { CheckpointModule } from './checkpoint';
import { AnalysisInputError } from './tensor';

/** What an evaluator reports for one set of weights. Give `error` or `accuracy` (error = 1 − accuracy). */
export interface Evaluation {
  loss: number;
  error?: number;
  accuracy?: number;
}

/**
 * Evaluates weights (loss and accuracy on a fixed data set). The arrays it receives are reused by the caller
 * after its promise settles: copy them if they must outlive the call.
 */
export type Evaluator = (params: CheckpointModule[]) => Promise<Evaluation>;

/** One point of an interpolation curve. */
export interface CurvePoint {
  lambda: number;
  loss: number;
  error: number;
}

/** A barrier and where it peaks. */
export interface Barrier {
  barrier: number;
  /** λ at which the curve rises furthest above the straight line. */
  lambda: number;
}

/** Curve plus both barriers. */
export interface BarrierResult {
  curve: CurvePoint[];
  loss: Barrier;
  error: Barrier;
}

/** Options for {@link interpolationBarrier}. */
export interface BarrierOptions {
  /** Evenly spaced λ in [0, 1], ends included. Default 21. Ignored when `lambdas` is given. */
  points?: number;
  /** Explicit λ values, ascending (the first and last are the ends of the reference line). */
  lambdas?: number[];
  /** Called after each point, e.g. to report progress. */
  onPoint?: (point: CurvePoint, index: number, total: number) => void;
  /** Stops between evaluations. */
  signal?: AbortSignal;
}

/** `points` evenly spaced values from 0 to 1 inclusive. */
export function lambdaGrid(points = 21): number[] {
  if (!Number.isInteger(points) || points < 2)
    throw new AnalysisInputError(`points must be an integer ≥ 2, got ${points}`);
  return Array.from({ length: points }, (_, i) => (i === points - 1 ? 1 : i / (points - 1)));
}

/**
 * max over the curve of (value − the straight line between its first and last points). It is ≥ 0 because the
 * ends themselves lie on the line; a convex curve has barrier 0.
 */
export function barrierOf(lambdas: readonly number[], values: readonly number[]): Barrier {
  if (lambdas.length !== values.length || lambdas.length < 2) {
    throw new AnalysisInputError(
      `a curve needs ≥ 2 points and as many λ as values (${lambdas.length} vs ${values.length})`,
    );
  }
  const l0 = lambdas[0]!;
  const l1 = lambdas[lambdas.length - 1]!;
  const v0 = values[0]!;
  const v1 = values[values.length - 1]!;
  if (!(l1 > l0)) throw new AnalysisInputError('λ must increase from the first point to the last');
  let best = 0;
  let at = l0;
  for (let i = 0; i < lambdas.length; i++) {
    const l = lambdas[i]!;
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new AnalysisInputError(`value at λ = ${l} is ${v}`);
    const t = (l - l0) / (l1 - l0);
    const gap = v - ((1 - t) * v0 + t * v1);
    if (gap > best) {
      best = gap;
      at = l;
    }
  }
  return { barrier: best, lambda: at };
}

/** Checks that two module lists have the same modules, parameters and shapes (so they can be mixed). */
export function assertSameStructure(
  a: CheckpointModule[],
  b: CheckpointModule[],
  what = 'interpolate',
): void {
  const fail = (m: string): never => {
    throw new AnalysisInputError(`cannot ${what}: ${m}`);
  };
  if (a.length !== b.length) fail(`A has ${a.length} modules, B has ${b.length}`);
  a.forEach((ma, i) => {
    const mb = b[i]!;
    if (ma.name !== mb.name) fail(`module ${i} is '${ma.name}' in A but '${mb.name}' in B`);
    if (ma.params.length !== mb.params.length) fail(`module '${ma.name}' has different parameters`);
    ma.params.forEach((p, j) => {
      const q = mb.params[j]!;
      if (p.name !== q.name || p.data.length !== q.data.length || p.shape.join() !== q.shape.join()) {
        fail(`'${p.name}' [${p.shape}] in A vs '${q.name}' [${q.shape}] in B`);
      }
    });
  });
}

/** A deep copy of the module list with fresh Float32Arrays. */
export function cloneModules(m: CheckpointModule[]): CheckpointModule[] {
  return m.map((mod) => ({
    name: mod.name,
    params: mod.params.map((p) => ({ name: p.name, shape: [...p.shape], data: new Float32Array(p.data) })),
  }));
}

/** Writes (1−λ)a + λb into `out` (same structure; computed in float64, stored as float32). */
export function interpolateInto(
  a: CheckpointModule[],
  b: CheckpointModule[],
  lambda: number,
  out: CheckpointModule[],
): CheckpointModule[] {
  for (let i = 0; i < a.length; i++) {
    const pa = a[i]!.params;
    const pb = b[i]!.params;
    const po = out[i]!.params;
    for (let j = 0; j < pa.length; j++) {
      const x = pa[j]!.data;
      const y = pb[j]!.data;
      const o = po[j]!.data;
      for (let k = 0; k < x.length; k++) o[k] = (1 - lambda) * x[k]! + lambda * y[k]!;
    }
  }
  return out;
}

/** Normalises an evaluation to {loss, error}. */
export function toLossError(e: Evaluation, where: string): { loss: number; error: number } {
  const error = e.error ?? (e.accuracy === undefined ? Number.NaN : 1 - e.accuracy);
  if (!Number.isFinite(e.loss) || !Number.isFinite(error)) {
    throw new AnalysisInputError(
      `evaluator returned loss ${e.loss}, error ${error} at ${where}; both must be finite`,
    );
  }
  return { loss: e.loss, error };
}

/**
 * Walks θ(λ) = (1−λ)θ₁ + λθ₂ over the grid, evaluating each point in turn, and returns the curve with the loss and
 * error barriers.
 *
 * @throws {@link AnalysisInputError} when the two models differ in structure (a re-initialised head cannot be
 * interpolated) or the evaluator returns non-finite numbers.
 */
export async function interpolationBarrier(
  theta1: CheckpointModule[],
  theta2: CheckpointModule[],
  evaluate: Evaluator,
  opts: BarrierOptions = {},
): Promise<BarrierResult> {
  assertSameStructure(theta1, theta2);
  const lambdas = opts.lambdas ?? lambdaGrid(opts.points ?? 21);
  const work = cloneModules(theta1);
  const curve: CurvePoint[] = [];
  for (const [i, lambda] of lambdas.entries()) {
    opts.signal?.throwIfAborted();
    const e = toLossError(await evaluate(interpolateInto(theta1, theta2, lambda, work)), `λ = ${lambda}`);
    const point = { lambda, ...e };
    curve.push(point);
    opts.onPoint?.(point, i, lambdas.length);
  }
  return {
    curve,
    loss: barrierOf(
      lambdas,
      curve.map((p) => p.loss),
    ),
    error: barrierOf(
      lambdas,
      curve.map((p) => p.error),
    ),
  };
}
