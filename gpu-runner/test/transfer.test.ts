/**
 * The "done when": pretrain a tiny ResNet on Fashion-MNIST, fine-tune on MNIST from its checkpoint (P-T)
 * and from random weights (RI-T); after one epoch the pretrained start is ahead.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend, shutdownBackend } from '../src/backend/backend';
import { fashionMnistDataset, mnistDataset } from '../src/data';
import { finetune, pretrain } from '../src/train/runs';

describe('Fashion-MNIST → MNIST transfer', () => {
  let dir: string;
  before(async () => {
    await initBackend();
    dir = await mkdtemp(join(tmpdir(), 'basin-transfer-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await shutdownBackend();
  });

  it('fine-tuning from the pretrained checkpoint beats random init after one epoch', async (t) => {
    const tiny = { depth: 8, width: 8 };
    const hp = { batchSize: 16, lr: 0.05 };
    const fashion = await fashionMnistDataset({ trainSize: 3000, testSize: 500, dataSeed: 1 });
    const mnist = await mnistDataset({ trainSize: 2000, testSize: 1000, dataSeed: 1 });

    const pt = await pretrain(fashion, {
      ...tiny,
      ...hp,
      epochs: 3,
      seed: 1,
      checkpoints: { dir, epochs: [1, 3] },
    });
    assert.deepEqual(
      pt.result.checkpoints.map((c) => c.epoch),
      [1, 3],
    );
    const fashionAcc = pt.result.history.at(-1)!.metrics['test/acc']!;
    assert.ok(fashionAcc > 0.6, `pretraining reached only ${fashionAcc} on Fashion-MNIST`);
    pt.model.dispose();

    const ckpt = pt.result.checkpoints.at(-1)!.path;
    // As in the paper, the target task gets a fresh head: digits are not Fashion-MNIST's classes, and a kept head
    // would push wrong-class gradients into the pretrained features at the start.
    const ft = { ...hp, lr: 0.03, epochs: 1, seed: 2 };
    const ptRun = await finetune(mnist, { ...ft, init: { checkpoint: ckpt }, reinitHead: true });
    const riRun = await finetune(mnist, { ...ft, init: { random: tiny } });
    const accPT = ptRun.result.history[0]!.metrics['test/acc']!;
    const accRI = riRun.result.history[0]!.metrics['test/acc']!;
    t.diagnostic(`Fashion-MNIST ${fashionAcc.toFixed(3)}; MNIST after 1 epoch: P-T ${accPT}, RI-T ${accRI}`);
    assert.equal(ptRun.headReinitialised, true);
    assert.ok(accPT > accRI + 0.1, `P-T ${accPT} vs RI-T ${accRI} after one epoch on MNIST`);
    ptRun.model.dispose();
    riRun.model.dispose();
  });
});
