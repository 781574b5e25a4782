/**
 * Element-wise float32 kernels on typed arrays, writing into the caller's output: binary arithmetic with the
 * broadcasts training uses, ReLU / step, and sums over one axis with float64 accumulation. Native (threaded,
 * vectorised) where the addon loaded, plain JS loops otherwise.
 */
import { addon } from './addon';

/** Binary operations. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * How an operand of a binary op covers the `[outer, inner]` output: the whole array, one value, a row of `inner`
 * values repeated over `outer`, or a column of `outer` values repeated over `inner`.
 */
export type Broadcast = 'full' | 'scalar' | 'row' | 'column';

const OPS: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const MODES: Record<Broadcast, number> = { full: 0, scalar: 1, row: 2, column: 3 };

const apply: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

function operandLength(mode: Broadcast, outer: number, inner: number): number {
  return mode === 'full' ? outer * inner : mode === 'row' ? inner : mode === 'column' ? outer : 1;
}

function checkLength(name: string, a: Float32Array, need: number): void {
  if (!(a instanceof Float32Array)) throw new RangeError(`${name} must be a Float32Array`);
  if (a.length < need) throw new RangeError(`${name} has ${a.length} elements, needs at least ${need}`);
}

function checkCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}

/** Operands of {@link binary}. */
export interface BinaryArgs {
  outer: number;
  inner: number;
  /** How `a` covers the output (default `full`). */
  aMode?: Broadcast;
  /** How `b` covers the output (default `full`). */
  bMode?: Broadcast;
}

/** out[r, c] = a[r, c] ∘ b[r, c] over an `[outer, inner]` output, each operand broadcast as its mode says. */
export function binary(
  op: BinaryOp,
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  { outer, inner, aMode = 'full', bMode = 'full' }: BinaryArgs,
): void {
  if (!(op in OPS)) throw new RangeError(`unknown binary op '${op}' (add, sub, mul, div)`);
  if (!(aMode in MODES) || !(bMode in MODES))
    throw new RangeError(`broadcast modes must be full, scalar, row or column, got ${aMode} and ${bMode}`);
  checkCount('outer', outer);
  checkCount('inner', inner);
  const n = outer * inner;
  checkLength('a', a, operandLength(aMode, outer, inner));
  checkLength('b', b, operandLength(bMode, outer, inner));
  checkLength('out', out, n);
  const native = addon();
  if (native) {
    native.binary(OPS[op], a, MODES[aMode], b, MODES[bMode], out, outer, inner);
    return;
  }
  const f = apply[op];
  const pick = (v: Float32Array, mode: Broadcast, r: number, c: number): number =>
    (mode === 'full' ? v[r * inner + c] : mode === 'row' ? v[c] : mode === 'column' ? v[r] : v[0]) as number;
  for (let r = 0; r < outer; r++)
    for (let c = 0; c < inner; c++) out[r * inner + c] = f(pick(a, aMode, r, c), pick(b, bMode, r, c));
}

/** Unary operations: `relu` (max(x, 0), NaN kept, -0 to 0 as TF.js' cpu backend) and `step` (1 where x > 0, `alpha` elsewhere, NaN kept). */
export type UnaryOp = 'relu' | 'step';

/** out[i] = op(x[i]) for the first `n` values (default: all of `x`). */
export function unary(op: UnaryOp, x: Float32Array, out: Float32Array, n = x.length, alpha = 0): void {
  if (op !== 'relu' && op !== 'step') throw new RangeError(`unknown unary op '${op}' (relu, step)`);
  checkCount('n', n);
  checkLength('x', x, n);
  checkLength('out', out, n);
  const native = addon();
  if (native) {
    native.unary(op === 'relu' ? 0 : 1, x, out, n, alpha);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    out[i] = Number.isNaN(v) ? v : op === 'relu' ? Math.max(v, 0) : v > 0 ? 1 : alpha;
  }
}

/** The ReLU gradient in one pass: out[i] = dy[i] · step(x[i]) for the first `n` values (default: all of `x`). */
export function reluGrad(dy: Float32Array, x: Float32Array, out: Float32Array, n = x.length): void {
  checkCount('n', n);
  checkLength('dy', dy, n);
  checkLength('x', x, n);
  checkLength('out', out, n);
  const native = addon();
  if (native) {
    native.reluGrad(dy, x, out, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    out[i] = (dy[i] as number) * (Number.isNaN(v) ? v : v > 0 ? 1 : 0);
  }
}

/**
 * out[a, c] = scale · Σ_b x[a, b, c] for x viewed as `[A, B, C]` (a sum over all of x is A = C = 1; TF.js' sum over
 * leading, trailing or a run of middle axes maps onto it). Accumulates in float64, so long sums keep their digits.
 */
export function reduceSum(
  x: Float32Array,
  out: Float32Array,
  [A, B, C]: readonly [number, number, number],
  scale = 1,
): void {
  checkCount('A', A);
  checkCount('B', B);
  checkCount('C', C);
  checkLength('x', x, A * B * C);
  checkLength('out', out, A * C);
  const native = addon();
  if (native) {
    native.reduceSum(x, out, A, B, C, scale);
    return;
  }
  const acc = new Float64Array(C);
  for (let a = 0; a < A; a++) {
    acc.fill(0);
    for (let b = 0; b < B; b++) {
      const o = (a * B + b) * C;
      for (let c = 0; c < C; c++) acc[c] = (acc[c] as number) + (x[o + c] as number);
    }
    for (let c = 0; c < C; c++) out[a * C + c] = (acc[c] as number) * scale;
  }
}
