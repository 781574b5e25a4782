/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian u64 header length
 * N, N bytes of JSON header, then the raw little-endian tensor data. Basin checkpoints are safetensors files.
 */

/** Element types Basin reads and writes. `F16` data is kept as raw IEEE half bits in a `Uint16Array`. */
export type SafeDType = 'F64' | 'F32' | 'F16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** One tensor: its element type, shape (row-major) and data (length = product of the shape). */
export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data:
    | Float32Array
    | Float64Array
    | Int32Array
    | Int16Array
    | Int8Array
    | Uint8Array
    | BigInt64Array
    | Uint16Array;
}

type ArrayCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Uint16ArrayConstructor
  | BigInt64ArrayConstructor
  | Int32ArrayConstructor
  | Int16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor;

const DTYPES: Record<SafeDType, { size: number; ctor: ArrayCtor }> = {
  F64: { size: 8, ctor: Float64Array },
  F32: { size: 4, ctor: Float32Array },
  F16: { size: 2, ctor: Uint16Array },
  I64: { size: 8, ctor: BigInt64Array },
  I32: { size: 4, ctor: Int32Array },
  I16: { size: 2, ctor: Int16Array },
  I8: { size: 1, ctor: Int8Array },
  U8: { size: 1, ctor: Uint8Array },
  BOOL: { size: 1, ctor: Uint8Array },
};

/** Largest JSON header accepted (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Thrown for malformed safetensors input; the message names the source and the problem. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

function isDType(x: unknown): x is SafeDType {
  return typeof x === 'string' && Object.hasOwn(DTYPES, x);
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

function validShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((s) => Number.isSafeInteger(s) && s >= 0);
}

/**
 * Serialises tensors (and optional string metadata) to safetensors bytes.
 *
 * @remarks Tensors are laid out largest element size first, then by name (as the reference writer does), so every
 * tensor's data is aligned to its element size; the header is padded with spaces to a multiple of 8 bytes.
 * Throws when a tensor's data length, array type or shape does not match its dtype.
 */
export function encodeSafetensors(
  tensors: Record<string, SafeTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (!LITTLE_ENDIAN_HOST) throw new SafetensorsError('safetensors: big-endian hosts are not supported');
  const names = Object.keys(tensors).sort((a, b) => {
    const sa = DTYPES[tensors[a]!.dtype]?.size ?? 0;
    const sb = DTYPES[tensors[b]!.dtype]?.size ?? 0;
    return sb - sa || (a < b ? -1 : a > b ? 1 : 0);
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(`safetensors: metadata '${k}' must be a string`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__')
      throw new SafetensorsError(`safetensors: '__metadata__' is not a tensor name`);
    const t = tensors[name]!;
    const info = isDType(t.dtype) ? DTYPES[t.dtype] : undefined;
    if (!info) throw new SafetensorsError(`safetensors: tensor '${name}' has unknown dtype '${t.dtype}'`);
    if (!(t.data instanceof info.ctor)) {
      throw new SafetensorsError(
        `safetensors: tensor '${name}' (${t.dtype}) needs a ${info.ctor.name}, got ${t.data?.constructor?.name}`,
      );
    }
    if (!validShape(t.shape)) {
      throw new SafetensorsError(
        `safetensors: tensor '${name}' has invalid shape ${JSON.stringify(t.shape)}`,
      );
    }
    const n = numel(t.shape);
    if (t.data.length !== n) {
      throw new SafetensorsError(
        `safetensors: tensor '${name}' has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} values`,
      );
    }
    const bytes = n * info.size;
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const name of names) {
    const d = tensors[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes. Tensor data is copied out of `bytes` (never aliased), so the input can be reused.
 *
 * @param source - Names the input (usually a file path) in error messages.
 * @throws {@link SafetensorsError} on a truncated file, a bad header, unknown dtypes, offsets that do not match the
 * shape or overlap, or data that does not exactly fill the file.
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = '<safetensors>',
): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const fail = (msg: string): never => {
    throw new SafetensorsError(`${source}: ${msg}`);
  };
  if (!LITTLE_ENDIAN_HOST) fail('big-endian hosts are not supported');
  if (bytes.length < 8)
    fail(`not a safetensors file: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) fail(`not a safetensors file: header length ${n64} is implausibly large`);
  const n = Number(n64);
  if (8 + n > bytes.length)
    fail(`truncated: header says ${n} bytes of JSON but the file has ${bytes.length - 8}`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (err) {
    fail(`not a safetensors file: header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('not a safetensors file: header is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ value '${k}' is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof entry !== 'object' || entry === null) fail(`tensor '${name}': entry is not an object`);
    const { dtype, shape, data_offsets } = entry as Record<string, unknown>;
    if (!isDType(dtype)) fail(`tensor '${name}': unsupported dtype ${JSON.stringify(dtype)}`);
    if (!validShape(shape)) fail(`tensor '${name}': invalid shape ${JSON.stringify(shape)}`);
    if (
      !Array.isArray(data_offsets) ||
      data_offsets.length !== 2 ||
      !data_offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(`tensor '${name}': invalid data_offsets ${JSON.stringify(data_offsets)}`);
    }
    const info = DTYPES[dtype as SafeDType];
    const [begin, end] = data_offsets as [number, number];
    const want = numel(shape as number[]) * info.size;
    if (end < begin || end - begin !== want) {
      fail(
        `tensor '${name}': data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ` +
          `[${(shape as number[]).join(', ')}] needs ${want}`,
      );
    }
    if (end > dataLen)
      fail(`truncated: tensor '${name}' ends at byte ${end} but only ${dataLen} data bytes exist`);
    spans.push([begin, end, name]);
    const copy = new Uint8Array(want);
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    const data = new info.ctor(copy.buffer, 0, want / info.size) as SafeTensor['data'];
    tensors.set(name, { dtype: dtype as SafeDType, shape: [...(shape as number[])], data });
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== covered) {
      fail(
        begin < covered
          ? `tensor '${name}' overlaps the previous tensor's data`
          : `gap in the data before tensor '${name}'`,
      );
    }
    covered = end;
  }
  if (covered !== dataLen) fail(`${dataLen - covered} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
