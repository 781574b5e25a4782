import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Checkpoint, CheckpointError, readCheckpoint, writeCheckpoint } from './checkpoint';
import { halfToFloat32 } from './half';
import { encodeSafetensors, type SafeTensor } from './safetensors';

const sample = (): Checkpoint => ({
  modules: [
    {
      name: 'conv1',
      params: [{ name: 'conv1.weight', shape: [2, 1, 1, 1], data: new Float32Array([0.5, -1]) }],
    },
    {
      name: 'layer1.0',
      params: [
        { name: 'layer1.0.conv1.weight', shape: [3], data: new Float32Array([1, 2, 3]) },
        { name: 'layer1.0.bn1.bias', shape: [1], data: new Float32Array([7]) },
      ],
    },
  ],
  metadata: { model: { family: 'resnet', depth: 8 }, step: 120, epoch: 3, extra: { 'basin.run': 'r1' } },
});

function meta(overrides: Record<string, string | undefined>): Record<string, string> {
  const base: Record<string, string | undefined> = {
    'basin.format': 'basin-checkpoint/1',
    'basin.modules': JSON.stringify([{ name: 'fc', params: ['fc.weight'] }]),
    'basin.model': '{}',
    'basin.step': '0',
    'basin.epoch': '0',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
}

const fcOnly: Record<string, SafeTensor> = {
  'fc.weight': { dtype: 'F32', shape: [1], data: new Float32Array([1]) },
};

describe('checkpoint', () => {
  it('round-trips modules, params, order and metadata', () => {
    const ck = sample();
    const back = readCheckpoint(writeCheckpoint(ck), 'a.safetensors');
    assert.deepEqual(back, ck);
  });

  it('writes the documented metadata keys', async () => {
    const { decodeSafetensors } = await import('./safetensors');
    const { metadata, tensors } = decodeSafetensors(writeCheckpoint(sample()));
    assert.equal(metadata['basin.format'], 'basin-checkpoint/1');
    assert.deepEqual(JSON.parse(metadata['basin.modules']!), [
      { name: 'conv1', params: ['conv1.weight'] },
      { name: 'layer1.0', params: ['layer1.0.conv1.weight', 'layer1.0.bn1.bias'] },
    ]);
    assert.equal(metadata['basin.step'], '120');
    assert.equal(metadata['basin.epoch'], '3');
    assert.deepEqual(JSON.parse(metadata['basin.model']!), { family: 'resnet', depth: 8 });
    assert.equal(tensors.get('layer1.0.bn1.bias')!.dtype, 'F32');
  });

  it('converts F64 and F16 parameters to float32', () => {
    const bytes = encodeSafetensors(
      {
        'fc.weight': { dtype: 'F64', shape: [2], data: new Float64Array([0.25, -3]) },
        'fc.bias': { dtype: 'F16', shape: [3], data: new Uint16Array([0x3c00, 0xc000, 0x0001]) },
      },
      meta({ 'basin.modules': JSON.stringify([{ name: 'fc', params: ['fc.weight', 'fc.bias'] }]) }),
    );
    const ck = readCheckpoint(bytes, 'h.st');
    assert.deepEqual([...ck.modules[0]!.params[0]!.data], [0.25, -3]);
    assert.deepEqual([...ck.modules[0]!.params[1]!.data], [1, -2, Math.fround(2 ** -24)]);
  });

  it('halfToFloat32 decodes specials', () => {
    const out = halfToFloat32(new Uint16Array([0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x8000]));
    assert.equal(out[0], Number.POSITIVE_INFINITY);
    assert.equal(out[1], Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(out[2]));
    assert.equal(out[3], 65504);
    assert.ok(Object.is(out[4], -0));
  });

  it('refuses invalid checkpoints naming the source and the problem', () => {
    const cases: [Record<string, string>, Record<string, SafeTensor>, RegExp][] = [
      [
        meta({ 'basin.format': undefined }),
        fcOnly,
        /not a Basin checkpoint: metadata 'basin.format' is missing/,
      ],
      [meta({ 'basin.format': 'other/2' }), fcOnly, /unsupported checkpoint format "other\/2"/],
      [meta({ 'basin.modules': 'nope' }), fcOnly, /'basin.modules' is not valid JSON/],
      [meta({ 'basin.modules': '{}' }), fcOnly, /must be a JSON array/],
      [meta({ 'basin.modules': '[{"params":[]}]' }), fcOnly, /basin.modules\[0\] has no string 'name'/],
      [
        meta({ 'basin.modules': '[{"name":"fc","params":["fc.weight","fc.bias"]}]' }),
        fcOnly,
        /'fc.bias'.*has no tensor/,
      ],
      [
        meta({ 'basin.modules': '[{"name":"fc","params":[]}]' }),
        fcOnly,
        /tensor 'fc.weight' belongs to no module/,
      ],
      [meta({ 'basin.modules': '[{"name":"f","params":["fc.weight"]}]' }), fcOnly, /not named 'f.<param>'/],
      [
        meta({ 'basin.modules': '[{"name":"fc","params":["fc.weight"]},{"name":"fc","params":[]}]' }),
        fcOnly,
        /listed twice/,
      ],
      [meta({ 'basin.step': '-1' }), fcOnly, /'basin.step' is "-1", expected a non-negative integer/],
      [meta({ 'basin.epoch': undefined }), fcOnly, /'basin.epoch' is missing/],
      [meta({ 'basin.model': '{' }), fcOnly, /'basin.model' is not valid JSON/],
      [meta({}), { 'fc.weight': { dtype: 'I32', shape: [1], data: new Int32Array(1) } }, /dtype I32/],
    ];
    for (const [m, t, re] of cases) {
      assert.throws(
        () => readCheckpoint(encodeSafetensors(t, m), 'ck.safetensors'),
        (err: unknown) =>
          err instanceof CheckpointError &&
          err.message.startsWith('ck.safetensors: ') &&
          re.test(err.message),
        String(re),
      );
    }
  });

  it('writeCheckpoint validates names and shapes', () => {
    const bad = sample();
    bad.modules[0]!.params[0]!.name = 'conv2.weight';
    assert.throws(() => writeCheckpoint(bad), /must be named 'conv1.<param>'/);
    const bad2 = sample();
    bad2.modules[1]!.params[0]!.shape = [4];
    assert.throws(() => writeCheckpoint(bad2), /shape \[4\] but 3 values/);
    const bad3 = sample();
    bad3.metadata.extra['basin.step'] = '1';
    assert.throws(() => writeCheckpoint(bad3), /reserved/);
  });
});
