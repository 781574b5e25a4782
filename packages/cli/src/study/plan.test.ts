import assert from 'node:assert/strict';
import { test } from 'node:test';
import { datasetPlan, studyPlan } from './plan';
import { renderStage } from './progress';

test('the default plan: Fashion-MNIST → MNIST and a far synthetic domain, both inits, 3 seeds, block sizes down to "*", sweeps with a spread', () => {
  const p = studyPlan();
  assert.equal(p.scale, 'small');
  assert.equal(p.source.kind, 'FASHION_MNIST');
  assert.deepEqual(
    p.targets.map((t) => [t.kind, t.domain]),
    [
      ['MNIST', null],
      ['SYNTHETIC_DOMAIN', 'quickdraw'],
    ],
  );
  assert.deepEqual(p.seeds, [0, 1, 2]);
  assert.deepEqual(p.blockSizes, [7, 2, 0]);
  assert.ok(p.blockSeeds.length >= 2 && p.sweepSeeds.length >= 2, 'every sweep has a spread');
  assert.ok(p.finetune.epochs >= 12, 'the cap leaves RI-T room to plateau');
  for (const b of p.blockSizes) if (b > 0) assert.equal(28 % b, 0, `block ${b} divides 28`);
  assert.equal((p.model.depth - 2) % 6, 0, 'a valid CIFAR-style ResNet depth');
  assert.match(p.name, /^Default study: fashion-mnist → mnist, synthetic-quickdraw \(small\)$/);
});

test('datasets on disk and bad names', () => {
  const d = datasetPlan('domainnet:/data/domainnet/clipart', 'tiny', 'target');
  assert.equal(d.kind, 'DOMAINNET');
  assert.equal(d.root, '/data/domainnet/clipart');
  assert.equal(d.domain, 'clipart');
  assert.equal(datasetPlan('chexpert:/data/CheXpert-v1.0-small', 'tiny', 'target').task, 'MULTILABEL');
  assert.throws(
    () => datasetPlan('cifar10', 'small', 'source'),
    /unknown dataset 'cifar10': use mnist, fashion-mnist/,
  );
});

test('a stage renders its bar, percentage and ETA', () => {
  const now = 100_000;
  const line = renderStage({ name: 'pretrain', done: 1, total: 4, startedAt: now - 30_000 }, 10, now);
  assert.equal(line, 'pretrain    ██████░░░░░░░░░░░░░░░░░░  25%  ETA 1m30s');
  assert.match(
    renderStage({ name: 'x', done: 4, total: 4, startedAt: now - 5000, finishedAt: now }, 1, now),
    /100% {2}done in 5s$/,
  );
  assert.match(renderStage({ name: 'x', done: 0, total: 4 }, 1, now), / {2}0% {2}waiting$/);
});

test('every scale fits the packaged datasets (mnist: 10,000 digits; fashion-mnist: 70,000 images)', () => {
  for (const scale of ['tiny', 'small', 'medium', 'large'] as const) {
    const p = studyPlan({ scale });
    assert.ok(p.source.trainSize + p.source.testSize <= 70_000, `${scale}: fashion-mnist`);
    const mnist = p.targets.find((t) => t.kind === 'MNIST')!;
    assert.ok(mnist.trainSize + mnist.testSize <= 10_000, `${scale}: mnist`);
  }
});
