/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): every numeric dtype, both byte orders, C and Fortran
 * order, any number of dimensions. Object arrays (whose payload is a pickle) are refused, never unpickled.
 */
import { float32ToHalf, halfToFloat32 } from './half';
import { AnalysisInputError, sizeOf, type Tensor } from './tensor';

/** Element types a `.npy` file may hold here. */
export type NpyDType =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

/** Data as read: float16 is widened to float32; bool is 0/1 bytes. */
export type NpyData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** A decoded array, always in C (row-major) order whatever the file's order. */
export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  data: NpyData;
}

/** Thrown for files that are not readable `.npy`; the message starts with the source name. */
export class NpyError extends Error {
  override name = 'NpyError';
}

type Ctor = { new (b: ArrayBuffer, o: number, n: number): NpyData; BYTES_PER_ELEMENT: number };

const KINDS: Record<string, { dtype: NpyDType; size: number; ctor: Ctor }> = {
  b1: { dtype: 'bool', size: 1, ctor: Uint8Array },
  i1: { dtype: 'int8', size: 1, ctor: Int8Array },
  u1: { dtype: 'uint8', size: 1, ctor: Uint8Array },
  i2: { dtype: 'int16', size: 2, ctor: Int16Array },
  u2: { dtype: 'uint16', size: 2, ctor: Uint16Array },
  i4: { dtype: 'int32', size: 4, ctor: Int32Array },
  u4: { dtype: 'uint32', size: 4, ctor: Uint32Array },
  i8: { dtype: 'int64', size: 8, ctor: BigInt64Array },
  u8: { dtype: 'uint64', size: 8, ctor: BigUint64Array },
  f2: { dtype: 'float16', size: 2, ctor: Uint16Array },
  f4: { dtype: 'float32', size: 4, ctor: Float32Array },
  f8: { dtype: 'float64', size: 8, ctor: Float64Array },
};
const CODE: Record<NpyDType, string> = Object.fromEntries(
  Object.entries(KINDS).map(([code, k]) => [k.dtype, code]),
) as Record<NpyDType, string>;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

/** Parses the Python literal subset np.save writes: dicts, tuples, lists, strings, ints, True/False/None. */
function parsePyLiteral(src: string): PyValue {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const err = (what: string): never => {
    throw new Error(`${what} at position ${i}`);
  };
  const value = (): PyValue => {
    ws();
    const ch = src[i];
    if (ch === '{') {
      i++;
      const out: Record<string, PyValue> = {};
      for (;;) {
        ws();
        if (src[i] === '}') {
          i++;
          return out;
        }
        const key = value();
        if (typeof key !== 'string') err('dict key is not a string');
        ws();
        if (src[i] !== ':') err("expected ':'");
        i++;
        out[key as string] = value();
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== '}') err("expected ',' or '}'");
      }
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      i++;
      const out: PyValue[] = [];
      for (;;) {
        ws();
        if (src[i] === close) {
          i++;
          return out;
        }
        out.push(value());
        ws();
        if (src[i] === ',') i++;
        else if (src[i] !== close) err(`expected ',' or '${close}'`);
      }
    }
    if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) err('unterminated string');
      const s = src.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(src.slice(i));
    if (!m) return err('unexpected token');
    i += m[0].length;
    const tok = m[0];
    if (tok === 'True') return true;
    if (tok === 'False') return false;
    if (tok === 'None') return null;
    return Number(tok.replace('L', ''));
  };
  const v = value();
  ws();
  if (i !== src.length) err('trailing characters');
  return v;
}

/**
 * Decodes a `.npy` file.
 *
 * @param source - Names the input (usually its path) in error messages.
 * @param opts - `copy: false` lets the result share memory with `bytes` when the data is aligned native-endian
 *   C-order (saves a copy of a large file); default `copy: true`, the result never aliases `bytes`.
 * @throws {@link NpyError} for non-npy input, unknown versions, bad headers, object or structured arrays,
 * unsupported dtypes, truncated data or trailing bytes.
 */
export function readNpy(bytes: Uint8Array, source = '<npy>', opts: { copy?: boolean } = {}): NpyArray {
  const fail = (msg: string): never => {
    throw new NpyError(`${source}: ${msg}`);
  };
  if (bytes.length === 0) fail('empty file, not a .npy array');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) fail('is a zip archive (.npz?), not a .npy file');
  if (bytes.length < 10 || !MAGIC.every((b, k) => bytes[k] === b)) {
    fail(
      bytes.length < 10 && MAGIC.slice(0, bytes.length).every((b, k) => bytes[k] === b)
        ? `truncated: ${bytes.length} bytes, shorter than the .npy preamble`
        : 'not a .npy file (missing the \\x93NUMPY magic)',
    );
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported .npy format version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) fail('truncated: file ends inside the header length');
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  if (start + hlen > bytes.length) fail(`truncated: header says ${hlen} bytes but the file ends before that`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + hlen));
  let header: PyValue;
  try {
    header = parsePyLiteral(text.trim());
  } catch (err) {
    return fail(`malformed .npy header: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('malformed .npy header: not a dict');
  }
  const { descr, fortran_order: fortran, shape } = header as Record<string, PyValue>;
  if (Array.isArray(descr)) fail('structured (record) arrays are not supported');
  if (typeof descr !== 'string') return fail("malformed .npy header: no 'descr' string");
  if (typeof fortran !== 'boolean') fail("malformed .npy header: no boolean 'fortran_order'");
  if (
    !Array.isArray(shape) ||
    !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)
  ) {
    return fail("malformed .npy header: 'shape' is not a tuple of non-negative integers");
  }
  const order = descr[0] === '<' || descr[0] === '>' || descr[0] === '|' || descr[0] === '=' ? descr[0] : '';
  const code = descr.slice(order.length);
  if (code === 'O') fail('object arrays are not supported (their pickled payload is never loaded)');
  const kind = KINDS[code === '?' ? 'b1' : code];
  if (!kind) return fail(`unsupported dtype '${descr}' (numeric b1, i1–i8, u1–u8, f2, f4, f8 only)`);
  const dims = shape as number[];
  const count = sizeOf(dims);
  const need = count * kind.size;
  const dataStart = start + hlen;
  const have = bytes.length - dataStart;
  if (have < need) {
    fail(
      `truncated: shape (${dims.join(', ')}) of ${descr} needs ${need} data bytes but the file has ${have}`,
    );
  }
  if (have > need) fail(`${have - need} unexpected bytes after the array data`);
  const bigEndian = order === '>' || (order === '=' && !LITTLE_ENDIAN_HOST);
  const swap = kind.size > 1 && bigEndian === LITTLE_ENDIAN_HOST;
  const at = bytes.byteOffset + dataStart;
  let data: NpyData;
  if (opts.copy === false && !swap && at % kind.size === 0) {
    data = new kind.ctor(bytes.buffer as ArrayBuffer, at, count);
  } else {
    const raw = new Uint8Array(need);
    raw.set(bytes.subarray(dataStart, dataStart + need));
    if (swap) swapBytes(raw, kind.size);
    data = new kind.ctor(raw.buffer, 0, count);
  }
  if (kind.dtype === 'float16') data = halfToFloat32(data as Uint16Array);
  if (fortran && dims.length > 1) data = fortranToC(data, dims);
  return { dtype: kind.dtype, shape: [...dims], data };
}

function swapBytes(raw: Uint8Array, size: number): void {
  for (let o = 0; o < raw.length; o += size) {
    for (let a = o, b = o + size - 1; a < b; a++, b--) {
      const t = raw[a]!;
      raw[a] = raw[b]!;
      raw[b] = t;
    }
  }
}

/** Reorders data between Fortran (first index fastest) and C order; `toFortran` goes the other way. */
function fortranToC<T extends NpyData>(src: T, dims: number[], toFortran = false): T {
  const out = new (src.constructor as new (n: number) => T)(src.length);
  const nd = dims.length;
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let j = 0; j < nd; j++) {
    fStride[j] = s;
    s *= dims[j]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < src.length; c++) {
    if (toFortran) (out as unknown as number[])[f] = (src as unknown as number[])[c]!;
    else (out as unknown as number[])[c] = (src as unknown as number[])[f]!;
    for (let j = nd - 1; j >= 0; j--) {
      idx[j]!++;
      f += fStride[j]!;
      if (idx[j]! < dims[j]!) break;
      f -= fStride[j]! * dims[j]!;
      idx[j] = 0;
    }
  }
  return out;
}

/** Options for {@link writeNpy}. */
export interface NpyWriteOptions {
  /** Format version; default the lowest that fits the header (1 unless the header exceeds 65535 bytes). */
  version?: 1 | 2 | 3;
  /** Store in Fortran order (the data passed in is still C order). Default false. */
  fortranOrder?: boolean;
  /** Byte order of the stored data; default little. */
  byteOrder?: 'little' | 'big';
}

/**
 * Encodes an array as `.npy` (header padded so the data starts on a 64-byte boundary, as NumPy writes it).
 * `data` is C order and must match `dtype` (float16 takes a Float32Array and is rounded to nearest-even).
 */
export function writeNpy(arr: NpyArray, opts: NpyWriteOptions = {}): Uint8Array {
  const code = CODE[arr.dtype];
  const kind = KINDS[code]!;
  const count = sizeOf(arr.shape);
  if (arr.data.length !== count) {
    throw new NpyError(
      `writeNpy: shape (${arr.shape.join(', ')}) needs ${count} values, got ${arr.data.length}`,
    );
  }
  let data: NpyData = arr.data;
  if (arr.dtype === 'float16') data = Uint16Array.from(arr.data as Float32Array, float32ToHalf);
  else if (!(data instanceof kind.ctor)) {
    throw new NpyError(
      `writeNpy: dtype ${arr.dtype} needs a ${(kind.ctor as unknown as { name: string }).name}`,
    );
  }
  const fortran = opts.fortranOrder ?? false;
  if (fortran && arr.shape.length > 1) data = fortranToC(data, arr.shape, true);
  const big = opts.byteOrder === 'big';
  const descr = `${kind.size === 1 ? '|' : big ? '>' : '<'}${code}`;
  const shapeText = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const enc = new TextEncoder().encode(dict);
  const version = opts.version ?? (enc.length + 12 > 65535 ? 2 : 1);
  const lenSize = version === 1 ? 2 : 4;
  const pre = 8 + lenSize;
  const total = Math.ceil((pre + enc.length + 1) / 64) * 64;
  const hlen = total - pre;
  const out = new Uint8Array(total + count * kind.size);
  out.set(MAGIC);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  out.fill(0x20, pre, total - 1);
  out.set(enc, pre);
  out[total - 1] = 0x0a;
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (kind.size > 1 && big === LITTLE_ENDIAN_HOST) swapBytes(raw, kind.size);
  out.set(raw, total);
  return out;
}

/**
 * The array as JS numbers for the analyses: 64-bit integers become float64 (refused beyond ±2⁵³, where they
 * would round), everything else is returned as is.
 */
export function npyToTensor(arr: NpyArray, source = '<npy>'): Tensor {
  const d = arr.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw new AnalysisInputError(`${source}: ${arr.dtype} value ${v} at index ${i} is beyond 2^53`);
      }
      out[i] = Number(v);
    }
    return { data: out, shape: arr.shape };
  }
  return { data: d, shape: arr.shape };
}
