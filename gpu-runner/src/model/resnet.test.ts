import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, shutdownBackend } from '../backend/backend';
import { importLayersWeights, readLayersModel } from './layers-import';
import { countParams } from './layout';
import { ResNet, WeightShapeError } from './resnet';
import { ModelSpecError, parseModelSpec, resnetSpec } from './spec';

describe('ResNet', () => {
  before(() => initBackend({ backend: process.env.BASIN_BACKEND ?? 'wasm' }));
  after(() => shutdownBackend());

  it('defaults to a few hundred thousand parameters for 28×28×1 and 32×32×3', () => {
    for (const shape of [
      [28, 28, 1],
      [32, 32, 3],
    ] as [number, number, number][]) {
      const n = countParams(resnetSpec(shape, 10));
      assert.ok(n > 200_000 && n < 500_000, `${shape}: ${n} parameters`);
    }
    // ResNet-20, width 16, 3 input channels: 16·27 conv1 + blocks + fc, counted by hand.
    const conv = (k: number, i: number, o: number) => k * k * i * o;
    const blocks =
      3 * 2 * conv(3, 16, 16) +
      (conv(3, 16, 32) + conv(3, 32, 32) + conv(1, 16, 32) + 2 * 2 * conv(3, 32, 32)) +
      (conv(3, 32, 64) + conv(3, 64, 64) + conv(1, 32, 64) + 2 * 2 * conv(3, 64, 64));
    const scalars = 1 + 9 * 5;
    assert.equal(countParams(resnetSpec([32, 32, 3], 10)), conv(3, 3, 16) + blocks + 64 * 10 + 10 + scalars);
  });

  it('names modules PyTorch-style', () => {
    const m = ResNet.create(resnetSpec([12, 12, 1], 3, { depth: 14, width: 4 }));
    assert.deepEqual(m.moduleNames, [
      'conv1',
      'layer1.0',
      'layer1.1',
      'layer2.0',
      'layer2.1',
      'layer3.0',
      'layer3.1',
      'fc',
    ]);
    assert.ok(m.params.has('layer2.0.downsample.weight'));
    assert.ok(!m.params.has('layer1.0.downsample.weight'));
    assert.deepEqual([...m.getModuleWeights('fc').keys()], ['weight', 'bias']);
    m.dispose();
  });

  it('round-trips the spec through JSON and rejects bad specs naming the field', () => {
    const spec = resnetSpec([32, 32, 3], 7, { depth: 14, width: 8 });
    assert.deepEqual(parseModelSpec(JSON.parse(JSON.stringify(spec))), spec);
    assert.throws(
      () => parseModelSpec({ ...spec, depth: 10 }),
      (e: Error) => e instanceof ModelSpecError && /depth is 10/.test(e.message),
    );
    assert.throws(() => parseModelSpec({ ...spec, inputShape: [32, 32] }), /inputShape is \[32,32\]/);
    assert.throws(() => parseModelSpec({ ...spec, family: 'vgg' }), /family is "vgg"/);
  });

  it('returns logits and named activations of the right shapes', () => {
    const m = ResNet.create(resnetSpec([12, 12, 3], 5, { depth: 8, width: 4 }), { seed: 1 });
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([2, 12, 12, 3]) as tf.Tensor4D;
    const { logits, activations } = m.forward(x, { activations: true });
    assert.deepEqual(logits.shape, [2, 5]);
    const shapes = Object.fromEntries(Object.entries(activations).map(([k, v]) => [k, v.shape]));
    assert.deepEqual(shapes, {
      conv1: [2, 12, 12, 4],
      'layer1.0': [2, 12, 12, 4],
      'layer2.0': [2, 6, 6, 8],
      'layer3.0': [2, 3, 3, 16],
      avgpool: [2, 16],
      fc: [2, 5],
    });
    tf.dispose([x, logits, ...Object.values(activations)]);
    const only = m.forward(tf.zeros([1, 12, 12, 3]) as tf.Tensor4D, { activations: ['layer2.0'] });
    assert.deepEqual(Object.keys(only.activations), ['layer2.0']);
    tf.dispose([only.logits, only.activations['layer2.0']!]);
    assert.ok(tf.memory().numTensors <= before + 1); // the zeros input above is the one left
    assert.throws(() => m.forward(tf.zeros([1, 10, 10, 3]) as tf.Tensor4D), /does not fit resnet-8/);
    m.dispose();
  });

  it('initialises deterministically from the seed', () => {
    const spec = resnetSpec([8, 8, 1], 2, { depth: 8, width: 4 });
    const [a, b, c] = [
      ResNet.create(spec, { seed: 4 }),
      ResNet.create(spec, { seed: 4 }),
      ResNet.create(spec, { seed: 5 }),
    ];
    assert.deepEqual(a.flatten(), b.flatten());
    assert.notDeepEqual(a.flatten(), c.flatten());
    // Fixup: the residual branch's last conv and the head start at zero, the multipliers at one.
    assert.ok(a.flatten('fc').every((v) => v === 0));
    assert.ok(
      a
        .getModuleWeights('layer1.0')
        .get('conv2.weight')!
        .data.every((v) => v === 0),
    );
    assert.deepEqual([...a.getModuleWeights('layer1.0').get('scale')!.data], [1]);
    // He-normal conv1: std ≈ sqrt(2 / fan_in) = sqrt(2/9).
    const w = a.getModuleWeights('conv1').get('weight')!.data;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std - Math.sqrt(2 / 9)) < 0.2, `std ${std}`);
    for (const m of [a, b, c]) m.dispose();
  });

  it('gets, sets and flattens weights per module, rejecting wrong shapes by name', () => {
    const spec = resnetSpec([8, 8, 1], 2, { depth: 8, width: 4 });
    const a = ResNet.create(spec, { seed: 1 });
    const b = ResNet.create(spec, { seed: 2 });
    b.setModuleWeights('layer2.0', a.getModuleWeights('layer2.0'));
    assert.deepEqual(b.flatten('layer2.0'), a.flatten('layer2.0'));
    assert.notDeepEqual(b.flatten('conv1'), a.flatten('conv1'));
    assert.equal(a.flatten().length, a.size);
    assert.equal(
      a.flatten('layer2.0').length,
      a.module('layer2.0').params.reduce((s, p) => s + p.shape.reduce((x, y) => x * y, 1), 0),
    );
    const before = b.flatten();
    assert.throws(
      () =>
        b.setModuleWeights(
          'layer1.0',
          { 'conv1.weight': { shape: [3, 3, 4, 5], data: new Float32Array(180) } },
          { partial: true },
        ),
      (e: Error) =>
        e instanceof WeightShapeError &&
        /'layer1\.0\.conv1\.weight' has shape \[3, 3, 4, 5\].*expects \[3, 3, 4, 4\]/.test(e.message),
    );
    assert.throws(
      () =>
        b.setModuleWeights('layer1.0', {
          'conv1.weight': a.getModuleWeights('layer1.0').get('conv1.weight')!,
        }),
      /is missing/,
    );
    assert.deepEqual(b.flatten(), before, 'nothing written on error');
    assert.throws(() => b.module('layer4.0'), /no module 'layer4\.0'/);
    a.dispose();
    b.dispose();
  });

  it('imports a TF.js Layers model (model.json + shards) onto modules', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'basin-layers-'));
    try {
      const spec = resnetSpec([8, 8, 1], 3, { depth: 8, width: 4 });
      const src = ResNet.create(spec, { seed: 11 });
      // A Keras-like export: kernels with conv biases, a dense head, one weight uint8-quantised, two shards.
      const entries: { name: string; shape: number[]; data: Float32Array; quant?: boolean }[] = [];
      let i = 0;
      for (const m of src.modules)
        for (const p of m.params) {
          if (!p.local.endsWith('weight')) continue;
          const layer = m.kind === 'head' ? 'dense' : `conv2d_${i++}`;
          entries.push({
            name: `${layer}/kernel`,
            shape: p.shape,
            data: Float32Array.from(src.params.get(p.name)!.dataSync()),
          });
          if (m.kind === 'head')
            entries.push({ name: 'dense/bias', shape: [3], data: Float32Array.from([0.5, -1, 2]) });
          else
            entries.push({
              name: `${layer}/bias`,
              shape: [p.shape[3]!],
              data: new Float32Array(p.shape[3]!),
            });
        }
      entries[0]!.quant = true;
      const parts: Uint8Array[] = [];
      const manifest = entries.map((e) => {
        if (!e.quant) {
          parts.push(new Uint8Array(e.data.buffer.slice(0)));
          return { name: e.name, shape: e.shape, dtype: 'float32' };
        }
        const min = Math.min(...e.data);
        const scale = (Math.max(...e.data) - min) / 255;
        const q = Uint8Array.from(e.data, (v) => Math.round((v - min) / scale));
        e.data = Float32Array.from(q, (v) => v * scale + min);
        parts.push(q);
        return {
          name: e.name,
          shape: e.shape,
          dtype: 'float32',
          quantization: { dtype: 'uint8', scale, min },
        };
      });
      const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      const cut = Math.floor(all.length / 2);
      await writeFile(join(dir, 'group1-shard1of2.bin'), all.slice(0, cut));
      await writeFile(join(dir, 'group1-shard2of2.bin'), all.slice(cut));
      await writeFile(
        join(dir, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: { class_name: 'Model', config: { layers: [] } },
          weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: manifest }],
        }),
      );
      const layers = await readLayersModel(dir);
      const dst = ResNet.create(spec, { seed: 99 });
      const report = importLayersWeights(dst, layers.weights);
      assert.equal(report.assigned.length, 11); // 9 conv weights, fc.weight, fc.bias
      assert.ok(report.assigned.some((a) => a.param === 'fc.bias' && a.from === 'dense/bias'));
      assert.ok(report.unused.every((n) => /conv2d_\d+\/bias/.test(n)));
      assert.deepEqual([...dst.getModuleWeights('fc').get('bias')!.data], [0.5, -1, 2]);
      for (const e of entries.filter((x) => x.name.endsWith('kernel'))) {
        const param = report.assigned.find((a) => a.from === e.name)!.param;
        const got = dst.params.get(param)!.dataSync();
        assert.ok(
          got.every((v, j) => Math.abs(v - e.data[j]!) < 1e-6),
          `${param} from ${e.name}`,
        );
      }
      // A model of another width cannot take these weights: the error names the module, parameter and shapes.
      const wide = ResNet.create(resnetSpec([8, 8, 1], 3, { depth: 8, width: 8 }));
      assert.throws(
        () => importLayersWeights(wide, layers.weights),
        /module 'conv1' parameter 'conv1\.weight'|for module 'conv1' parameter 'conv1\.weight'/,
      );
      assert.throws(
        () =>
          importLayersWeights(wide, layers.weights, {
            mapping: { 'conv1.weight': 'conv2d_0/kernel' },
            strict: false,
          }),
        /'conv1\.weight' has shape \[3, 3, 1, 8\] but Layers weight 'conv2d_0\/kernel' is \[3, 3, 1, 4\]/,
      );
      for (const m of [src, dst, wide]) m.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ResNet with GroupNorm', () => {
  before(() => initBackend({ backend: process.env.BASIN_BACKEND ?? 'wasm' }));
  after(() => shutdownBackend());

  it('has per-channel norm parameters, starts each block as the identity branch, and matches cpu gradients', () => {
    const spec = resnetSpec([8, 8, 2], 3, { depth: 8, width: 4, norm: 'groupnorm' });
    assert.equal(spec.norm, 'groupnorm');
    const xv = Float32Array.from({ length: 2 * 8 * 8 * 2 }, (_, i) => Math.sin(i * 0.7));
    const grads = (backend: string) => {
      tf.setBackend(backend);
      const m = ResNet.create(spec, { seed: 2 });
      assert.deepEqual(m.getModuleWeights('layer2.0').get('norm2.weight')!.data, new Float32Array(8));
      assert.ok(m.params.has('layer2.0.downsample_norm.bias') && m.params.has('conv1.norm.weight'));
      const x = tf.tensor4d(xv, [2, 8, 8, 2]);
      const y = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
      const { grads: g } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(y, m.forward(x).logits) as tf.Scalar,
        m.variables(),
      );
      const out = [...m.params].map(([name, v]) => [name, g[v.name]!.dataSync() as Float32Array] as const);
      tf.dispose([x, y, ...Object.values(g)]);
      m.dispose();
      return out;
    };
    const a = grads('cpu');
    const b = grads(process.env.BASIN_BACKEND ?? 'wasm');
    for (const [i, [name, ga]] of a.entries()) {
      const gb = b[i]![1];
      const diff = ga.reduce((m, v, j) => Math.max(m, Math.abs(v - gb[j]!)), 0);
      assert.ok(diff < 1e-4, `${name}: ${diff}`);
    }
  });
});

describe('FLOP counts', () => {
  it('counts convolutions and the head by hand for ResNet-8', async () => {
    const { forwardFlops, trainingFlops } = await import('./flops');
    const spec = resnetSpec([8, 8, 1], 2, { depth: 8, width: 4 });
    const conv = (k: number, i: number, o: number, side: number) => 2 * k * k * i * o * side * side;
    const expected =
      conv(3, 1, 4, 8) +
      2 * conv(3, 4, 4, 8) +
      conv(3, 4, 8, 4) +
      conv(3, 8, 8, 4) +
      conv(1, 4, 8, 4) +
      conv(3, 8, 16, 2) +
      conv(3, 16, 16, 2) +
      conv(1, 8, 16, 2) +
      2 * 16 * 2;
    assert.equal(forwardFlops(spec), expected);
    assert.equal(trainingFlops(spec), 3 * expected);
  });
});
