import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeSafetensors, encodeSafetensors, type SafeTensor, SafetensorsError } from './safetensors';

/** Builds a file the way the format's spec describes it, independently of the encoder. */
function handMade(header: object, data: number[], pad = true): Uint8Array {
  let json = JSON.stringify(header);
  if (pad) while ((json.length + 8) % 8 !== 0) json += ' ';
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('decodes a hand-built file (F32 little-endian, metadata)', () => {
    // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0; I16 258 = 02 01
    const bytes = handMade(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'I16', shape: [1, 1], data_offsets: [8, 10] },
      },
      [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 2, 1],
    );
    const { tensors, metadata } = decodeSafetensors(bytes, 'x.safetensors');
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual([...(tensors.get('a')!.data as Float32Array)], [1, -2]);
    assert.deepEqual(tensors.get('b')!.shape, [1, 1]);
    assert.equal(tensors.get('b')!.data[0], 258);
  });

  it('round-trips every dtype, pads the header to 8 bytes and aligns data', () => {
    const t: Record<string, SafeTensor> = {
      f64: { dtype: 'F64', shape: [3], data: new Float64Array([1.5, -0, Math.PI]) },
      f32: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
      f16: { dtype: 'F16', shape: [1], data: new Uint16Array([0x3c00]) },
      i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 62n), 7n]) },
      i32: { dtype: 'I32', shape: [1], data: new Int32Array([-5]) },
      i16: { dtype: 'I16', shape: [1], data: new Int16Array([-300]) },
      i8: { dtype: 'I8', shape: [3], data: new Int8Array([-1, 0, 1]) },
      u8: { dtype: 'U8', shape: [1], data: new Uint8Array([255]) },
      bool: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 0]) },
      empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
    };
    const bytes = encodeSafetensors(t, { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    for (const [name, e] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const { dtype, data_offsets } = e as { dtype: string; data_offsets: [number, number] };
      const size = { F64: 8, I64: 8, F32: 4, I32: 4, F16: 2, I16: 2 }[dtype] ?? 1;
      assert.equal(data_offsets[0] % size, 0, `${name} aligned`);
    }
    const { tensors, metadata } = decodeSafetensors(bytes);
    assert.deepEqual(metadata, { k: 'v' });
    for (const [name, want] of Object.entries(t)) {
      const got = tensors.get(name)!;
      assert.equal(got.dtype, want.dtype);
      assert.deepEqual(got.shape, want.shape);
      assert.equal(got.data.constructor, want.data.constructor);
      assert.deepEqual([...got.data], [...want.data]);
    }
  });

  it('does not alias the input bytes, and reads from a Buffer at an odd offset', () => {
    const bytes = encodeSafetensors({ w: { dtype: 'F64', shape: [1], data: new Float64Array([2]) } });
    const shifted = Buffer.alloc(bytes.length + 3);
    shifted.set(bytes, 3);
    const { tensors } = decodeSafetensors(shifted.subarray(3));
    shifted.fill(0);
    assert.equal(tensors.get('w')!.data[0], 2);
  });

  it('refuses bad input with errors naming the source', () => {
    const ok = encodeSafetensors({ w: { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(3), /f\.st: not a safetensors file: 3 bytes/],
      [ok.subarray(0, ok.length - 1), /f\.st: truncated: tensor 'w'/],
      [ok.subarray(0, 12), /f\.st: truncated: header says/],
      [handMade({ w: 1 }, []), /tensor 'w': entry is not an object/],
      [handMade([], []), /header is not a JSON object/],
      [handMade({ w: { dtype: 'Q8', shape: [1], data_offsets: [0, 1] } }, [0]), /unsupported dtype "Q8"/],
      [handMade({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /needs 8/],
      [handMade({ w: { dtype: 'U8', shape: [-1], data_offsets: [0, 0] } }, []), /invalid shape/],
      [handMade({ w: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, [0, 0]), /1 trailing bytes/],
      [
        handMade(
          {
            a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
            b: { dtype: 'U8', shape: [2], data_offsets: [1, 3] },
          },
          [0, 0, 0],
        ),
        /overlaps/,
      ],
      [handMade({ __metadata__: { a: 1 } }, []), /__metadata__ value 'a' is not a string/],
    ];
    const garbage = new Uint8Array(64).fill(0x41);
    cases.push([garbage, /implausibly large|not valid JSON|truncated/]);
    for (const [bytes, re] of cases) {
      assert.throws(
        () => decodeSafetensors(bytes, 'f.st'),
        (err: unknown) =>
          err instanceof SafetensorsError && re.test(err.message) && err.message.startsWith('f.st:'),
      );
    }
  });

  it('refuses to encode data that does not match its dtype or shape', () => {
    assert.throws(
      () => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }),
      /shape \[3\] \(3 elements\) but 2 values/,
    );
    assert.throws(
      () => encodeSafetensors({ w: { dtype: 'F64', shape: [1], data: new Float32Array(1) } }),
      /needs a Float64Array/,
    );
  });
});
