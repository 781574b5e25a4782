import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { expected, fixtureBytes, fixturePath } from '../test/fixtures';
import { type NpyArray, type NpyDType, NpyError, npyToTensor, readNpy, writeNpy } from './npy';

const numbers = (a: NpyArray) => Array.from(a.data as ArrayLike<number | bigint>, Number);

describe('readNpy against np.save fixtures', () => {
  for (const [name, want] of Object.entries(
    expected.npy as Record<string, { shape: number[]; values: number[] }>,
  )) {
    it(`reads ${name}`, () => {
      const arr = readNpy(fixtureBytes('npy', name), name);
      assert.deepEqual(arr.shape, want.shape);
      assert.deepEqual(numbers(arr), want.values);
    });
  }

  it('maps dtypes to typed arrays (float16 widened, int64 as BigInt64Array)', () => {
    assert.equal(readNpy(fixtureBytes('npy', 'f2_be.npy')).data.constructor, Float32Array);
    assert.equal(readNpy(fixtureBytes('npy', 'i8_le.npy')).data.constructor, BigInt64Array);
    assert.equal(readNpy(fixtureBytes('npy', 'u8_be.npy')).data.constructor, BigUint64Array);
    assert.equal(readNpy(fixtureBytes('npy', 'b1_le.npy')).dtype, 'bool');
    const t = npyToTensor(readNpy(fixtureBytes('npy', 'i8_big.npy')));
    assert.deepEqual([...t.data], [2 ** 40 + 3, -(2 ** 50)]);
  });

  it('copy: false shares aligned little-endian data with the input; the default copies', () => {
    const bytes = fixtureBytes('npy', 'f8_le.npy');
    const shared = readNpy(bytes, 'f8_le.npy', { copy: false });
    const copied = readNpy(bytes, 'f8_le.npy');
    assert.equal(shared.data.buffer, bytes.buffer);
    assert.notEqual(copied.data.buffer, bytes.buffer);
    assert.deepEqual([...shared.data], [...copied.data]);
    assert.notEqual(
      readNpy(fixtureBytes('npy', 'f8_be.npy'), 'be', { copy: false }).data.buffer,
      bytes.buffer,
    );
  });

  it('covers every fixture file', () => {
    const files = readdirSync(fixturePath('npy'));
    assert.ok(files.length >= 30);
  });
});

describe('readNpy refuses bad files, naming them', () => {
  const refuse = (bytes: Uint8Array, re: RegExp) =>
    assert.throws(
      () => readNpy(bytes, 'bad.npy'),
      (e: unknown) => e instanceof NpyError && e.message.startsWith('bad.npy: ') && re.test(e.message),
      String(re),
    );
  it('object arrays (never unpickled), complex and structured dtypes', () => {
    refuse(fixtureBytes('npy', 'object.npy'), /object arrays are not supported/);
    refuse(fixtureBytes('npy', 'complex.npy'), /unsupported dtype '<c16'/);
    refuse(fixtureBytes('npy', 'structured.npy'), /structured/);
  });
  it('truncated, empty, non-npy and trailing bytes', () => {
    const good = fixtureBytes('npy', 'f8_le.npy');
    refuse(
      good.subarray(0, good.length - 3),
      /truncated: shape \(2, 3\) of <f8 needs 48 data bytes but the file has 45/,
    );
    refuse(good.subarray(0, 40), /truncated: header says/);
    refuse(good.subarray(0, 4), /truncated: 4 bytes/);
    refuse(new Uint8Array(0), /empty file/);
    refuse(new TextEncoder().encode('a,b\n1,2\n'), /not a \.npy file/);
    refuse(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), /zip archive/);
    const extra = new Uint8Array(good.length + 2);
    extra.set(good);
    refuse(extra, /2 unexpected bytes/);
    const v9 = good.slice();
    v9[6] = 9;
    refuse(v9, /unsupported \.npy format version 9\.0/);
  });
});

describe('writeNpy', () => {
  const dtypes: [NpyDType, NpyArray['data']][] = [
    ['bool', new Uint8Array([1, 0, 1, 1, 0, 0])],
    ['int8', new Int8Array([-1, 2, -3, 4, 5, 6])],
    ['uint16', new Uint16Array([1, 2, 3, 65535, 5, 6])],
    ['int32', new Int32Array([-1, 2, -3, 4, 5, 6])],
    ['uint32', new Uint32Array([1, 2, 3, 4294967295, 5, 6])],
    ['int64', new BigInt64Array([-1n, 2n, -(2n ** 62n), 4n, 5n, 6n])],
    ['uint64', new BigUint64Array([1n, 2n, 2n ** 63n, 4n, 5n, 6n])],
    ['float16', new Float32Array([0.5, -2, 65504, 1e-7, 0, 3.14])],
    ['float32', new Float32Array([0.5, -2, 1e30, 1e-7, 0, 3.14])],
    ['float64', new Float64Array([0.5, -2, 1e300, 1e-300, 0, Math.PI])],
  ];
  for (const [dtype, data] of dtypes) {
    for (const byteOrder of ['little', 'big'] as const) {
      for (const fortranOrder of [false, true]) {
        it(`round-trips ${dtype} ${byteOrder}-endian ${fortranOrder ? 'F' : 'C'} order`, () => {
          const bytes = writeNpy({ dtype, shape: [2, 3], data }, { byteOrder, fortranOrder });
          const hlen = new DataView(bytes.buffer).getUint16(8, true);
          assert.equal((10 + hlen) % 64, 0);
          const back = readNpy(bytes);
          assert.equal(back.dtype, dtype);
          assert.deepEqual(back.shape, [2, 3]);
          const want = dtype === 'float16' ? [0.5, -2, 65504, 1.1920928955078125e-7, 0, 3.140625] : [...data];
          assert.deepEqual([...back.data], want);
        });
      }
    }
  }
  it('writes versions 2 and 3 and N-D Fortran order', () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => i);
    for (const version of [2, 3] as const) {
      const bytes = writeNpy({ dtype: 'float64', shape: [2, 3, 4], data }, { version, fortranOrder: true });
      assert.equal(bytes[6], version);
      assert.deepEqual([...readNpy(bytes).data], [...data]);
    }
  });
});
