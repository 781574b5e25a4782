/**
 * The GEMM macro-kernel as a tiny WebAssembly module with 128-bit SIMD (f64x2), assembled here byte by byte so
 * there is no build step and no toolchain: packed A and B panels in, a column-major C tile out.
 *
 * @remarks Scalar JS tops out near 4–5 GFLOP/s in float64 (no SIMD, and V8 spills a 4×4 register block);
 * f64x2 with eight vector accumulators (a 4×4 tile) fits the 16 XMM registers and runs several times faster.
 * {@link gemmTN} uses it when the runtime validates the module and falls back to plain JS otherwise.
 */

// ---- a minimal assembler --------------------------------------------------------------------------------------
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const str = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;
const GE_U = 0x4f;
const GT_S = 0x4a;
const AND = 0x71;
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const load = (align: number, offset: number) => simd(0x00, align, ...uleb(offset));
const splat64 = (offset: number) => simd(0x0a, 3, ...uleb(offset));
const zero = simd(0x0c, ...new Array(16).fill(0));
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const F64_STORE = (offset: number) => [0x39, 3, ...uleb(offset)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const br = (l: number) => [0x0c, l];
const brIf = (l: number) => [0x0d, l];

/**
 * Rows (MR, even) × columns (NR) of the C tile the SIMD micro-kernel keeps in registers. 4×4 (eight f64x2
 * accumulators) measured fastest here; 4×6, 6×4, 8×4, 4×8 spill and 6×2, 2×6 reuse loads less.
 */
export const WASM_MR = 4;
export const WASM_NR = 4;

// params: 0 aOff, 1 bOff, 2 cOff, 3 mc, 4 nc, 5 kc, 6 upper, 7 diag (all i32; offsets in bytes)
// locals: 8 ir, 9 jr, 10 pa, 11 pb, 12 pend, 13 kc8, 14 c, 15 mb, then v128: accumulators, A vectors, bs
const [aOff, bOff, cOff, mc, nc, kc, upper, diag] = [0, 1, 2, 3, 4, 5, 6, 7];
const [ir, jr, pa, pb, pend, kc8, c, mb] = [8, 9, 10, 11, 12, 13, 14, 15];

function kernelBody(MR: number, NR: number): number[] {
  const H = MR / 2;
  const acc = (q: number, j: number) => 16 + j * H + q;
  const av = (q: number) => 16 + H * NR + q;
  const bs = 16 + H * NR + H;
  const code: number[] = [];
  const e = (...parts: (number | number[])[]) => {
    for (const p of parts) Array.isArray(p) ? code.push(...p) : code.push(p);
  };
  e(get(kc), i32(8), MUL, set(kc8));
  e(get(nc), i32(8), MUL, set(mb)); // bytes per C-tile row
  e(i32(0), set(jr));
  e(BLOCK, LOOP); // $jdone, $jloop
  e(get(jr), get(nc), GE_U, brIf(1));
  e(i32(0), set(ir));
  e(BLOCK, LOOP); // $idone, $iloop
  e(get(ir), get(mc), GE_U, brIf(1));
  // upper && diag + ir > jr + NR - 1  → this and all later row panels lie below the diagonal
  e(get(upper), get(diag), get(ir), ADD, get(jr), i32(NR - 1), ADD, GT_S, AND, brIf(1));
  // panel ir/MR starts at ir·kc·8 bytes (each panel is kc·MR doubles); likewise for B
  e(get(aOff), get(ir), get(kc8), MUL, ADD, set(pa));
  e(get(bOff), get(jr), get(kc8), MUL, ADD, set(pb));
  e(get(pa), get(kc8), i32(MR), MUL, ADD, set(pend));
  for (let j = 0; j < NR; j++) for (let q = 0; q < H; q++) e(zero, set(acc(q, j)));
  e(LOOP); // $k
  for (let q = 0; q < H; q++) e(get(pa), load(4, 16 * q), set(av(q)));
  for (let j = 0; j < NR; j++) {
    e(get(pb), splat64(8 * j), set(bs));
    for (let q = 0; q < H; q++) e(get(acc(q, j)), get(av(q)), get(bs), F64X2_MUL, F64X2_ADD, set(acc(q, j)));
  }
  e(get(pa), i32(8 * MR), ADD, set(pa));
  e(get(pb), i32(8 * NR), ADD, set(pb));
  e(get(pa), get(pend), LT_U, brIf(0));
  e(END); // $k
  // C tile is row-major (mc rows of nc): rows ir..ir+MR-1, columns jr..jr+NR-1; acc(q, j) holds rows 2q, 2q+1
  e(get(cOff), get(ir), get(nc), MUL, get(jr), ADD, i32(8), MUL, ADD, set(c));
  for (let r = 0; r < MR; r++) {
    for (let j = 0; j < NR; j++) e(get(c), get(acc(r >> 1, j)), simd(0x21, r & 1), F64_STORE(8 * j));
    if (r < MR - 1) e(get(c), get(mb), ADD, set(c));
  }
  e(get(ir), i32(MR), ADD, set(ir), br(0));
  e(END, END); // $iloop, $idone
  e(get(jr), i32(NR), ADD, set(jr), br(0));
  e(END, END); // $jloop, $jdone
  e(END);
  const locals = vec([
    [8, I32],
    [H * NR + H + 1, V128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/** Pages of 64 KiB the module's memory starts with (grown on demand). */
const PAGES = 80;

/** The kernel module's bytes (also handed to worker threads). */
export function wasmModuleBytes(): Uint8Array {
  const type = section(1, vec([[0x60, ...vec(new Array(8).fill([I32])), 0]]));
  const funcs = section(3, vec([[0]]));
  const memory = section(5, vec([[0x00, ...uleb(PAGES)]]));
  const exports = section(
    7,
    vec([
      [...str('kernel'), 0x00, 0],
      [...str('mem'), 0x02, 0],
    ]),
  );
  const code = section(10, vec([kernelBody(WASM_MR, WASM_NR)]));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0,
    0,
    0,
    ...type,
    ...funcs,
    ...memory,
    ...exports,
    ...code,
  ]);
}

/** The slice of the WebAssembly API used here (typed locally: the shared tsconfig has no DOM/wasm lib). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** A WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The instantiated kernel: `kernel(aOff, bOff, cOff, mc, nc, kc, upper, diag)` over `memory`. */
export interface WasmKernel {
  kernel: (
    aOff: number,
    bOff: number,
    cOff: number,
    mc: number,
    nc: number,
    kc: number,
    upper: number,
    diag: number,
  ) => void;
  memory: WasmMemory;
}

let cached: WasmKernel | null | undefined;

/** The SIMD kernel, or null where WebAssembly SIMD is unavailable (or `BASIN_GEMM=js`). */
export function wasmKernel(): WasmKernel | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (typeof process !== 'undefined' && process.env.BASIN_GEMM === 'js') return cached;
  try {
    const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = wasmModuleBytes();
    if (!wa?.validate(bytes)) return cached;
    const inst = new wa.Instance(new wa.Module(bytes));
    const ex = inst.exports as unknown as { kernel: WasmKernel['kernel']; mem: WasmMemory };
    cached = { kernel: ex.kernel, memory: ex.mem };
  } catch {
    cached = null;
  }
  return cached;
}
