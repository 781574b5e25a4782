import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlateau, plateauEpoch, plateaued, resolvePlateau } from './plateau';

/** Epoch losses of a converged MNIST-like fine-tune. */
const MNIST = [2.298, 2.14, 1.908, 1.505, 0.855, 0.524, 0.34, 0.308, 0.214, 0.117, 0.17, 0.123];

describe('plateaued', () => {
  it('a Fixup RI-T run stalled near chance, then learning, is not a plateau', () => {
    const stall = [2.306, 2.298, 2.278, 2.17, 1.7, 1.1, 0.6];
    for (let e = 1; e <= stall.length; e++) assert.equal(plateaued(stall.slice(0, e)), false, `epoch ${e}`);
  });

  it('a converged MNIST-like curve plateaus first at epoch 12, not at 11', () => {
    assert.equal(plateaued(MNIST.slice(0, 11)), false);
    assert.equal(plateaued(MNIST), true);
    assert.equal(plateauEpoch(MNIST), 12);
    for (let e = 1; e < 12; e++) assert.equal(plateaued(MNIST.slice(0, e)), false, `epoch ${e}`);
  });

  it('a loss flat from the start never plateaus (no progress)', () => {
    const flat = Array.from({ length: 20 }, () => Math.LN10); // ln 10: chance on 10 classes
    for (let e = 1; e <= flat.length; e++) assert.equal(plateaued(flat.slice(0, e)), false, `epoch ${e}`);
    assert.equal(plateauEpoch(flat), null);
    // a loss that only rises has made no progress either
    assert.equal(plateaued([2.3, 2.4, 2.5, 2.6]), false);
  });

  it('respects minEpochs and needs window + 1 epochs', () => {
    const quick = [2.3, 0.5, 0.5, 0.5, 0.5, 0.5];
    assert.equal(plateaued(quick.slice(0, 3)), false); // best(1) − best(3) is all the progress
    assert.equal(plateaued(quick.slice(0, 4)), true); // defaults: window 2, minEpochs 3
    assert.equal(plateaued(quick.slice(0, 3), { window: 1 }), true);
    assert.equal(plateaued(quick.slice(0, 2), { window: 1 }), false); // minEpochs 3
    assert.equal(plateaued(quick.slice(0, 4), { minEpochs: 5 }), false);
    assert.equal(plateaued(quick.slice(0, 5), { minEpochs: 5 }), true);
    assert.equal(plateauEpoch(quick, { minEpochs: 5 }), 5);
    // window 4 needs 5 epochs even with minEpochs 1
    assert.equal(plateaued(quick.slice(0, 4), { window: 4, minEpochs: 1 }), false);
    assert.equal(plateaued(quick.slice(0, 5), { window: 4, minEpochs: 1 }), false); // best(1) − best(5) is all progress
    assert.equal(plateaued(quick.slice(0, 6), { window: 4, minEpochs: 1 }), true);
  });

  it('applies the tolerance to the progress so far', () => {
    // progress 1.0; the last 2 epochs improved the best loss by 0.03
    const l = [2.0, 1.2, 1.03, 1.01, 1.0];
    assert.equal(plateaued(l), false); // 0.03 > 0.02 · 1.0
    assert.equal(plateaued(l, { tolerance: 0.031 }), true);
    assert.equal(plateaued(l, { tolerance: 0.05 }), true);
    // a slightly worse epoch after the best does not undo the plateau (best-so-far, not the last loss) …
    assert.equal(plateaued([2.0, 1.0, 1.0, 1.2]), true);
    // … losing half the progress does (maxRegression 0.25)
    assert.equal(plateaued([2.0, 1.0, 1.0, 1.5]), false);
  });

  it('a non-finite loss is not a plateau', () => {
    assert.equal(plateaued([2.3, 0.5, 0.5, Number.NaN]), false);
    assert.equal(plateaued([2.3, Number.NaN, 0.5, 0.5]), false);
    assert.equal(plateaued([Number.NaN, 0.5, 0.5, 0.5]), false);
    assert.equal(plateaued([2.3, 0.5, Number.POSITIVE_INFINITY, 0.5]), false);
    assert.equal(plateauEpoch([2.3, 0.5, Number.NaN, 0.5]), null);
  });

  it('minProgress keeps a jittery stall at chance from counting as a plateau', () => {
    const jitter = [2.306, 2.304, 2.305, 2.305, 2.3055];
    // progress 0.002 > 0 and no improvement since: only the minProgress (and maxRegression) guards keep it going
    assert.equal(plateaued(jitter.slice(0, 4), { minProgress: 0, maxRegression: 1 }), true);
    assert.equal(plateaued(jitter), false, 'the default asks for 10% progress first');
    assert.equal(plateaued(jitter, { minProgress: 0.05 }), false);
    assert.equal(plateaued(MNIST, { minProgress: 0.05 }), true);
  });

  it('rejects bad options', () => {
    assert.throws(() => plateaued(MNIST, { tolerance: 0 }), RangeError);
    assert.throws(() => plateaued(MNIST, { tolerance: 1 }), RangeError);
    assert.throws(() => plateaued(MNIST, { window: 0 }), RangeError);
    assert.throws(() => plateaued(MNIST, { window: 1.5 }), RangeError);
    assert.throws(() => plateaued(MNIST, { minEpochs: 0 }), /minEpochs/);
    assert.deepEqual(resolvePlateau(), {
      tolerance: 0.02,
      window: 2,
      minEpochs: 3,
      minProgress: 0.1,
      maxRegression: 0.25,
    });
  });
});

describe('describePlateau', () => {
  it('says the criterion in words', () => {
    assert.equal(
      describePlateau(),
      "best training loss improved by ≤ 2% of the progress so far over the last 2 epochs (after ≥ 3 epochs, with progress ≥ 10% of the first epoch's loss)",
    );
    assert.equal(
      describePlateau({ tolerance: 0.005, window: 1, minEpochs: 1 }),
      "best training loss improved by ≤ 0.5% of the progress so far over the last epoch (after ≥ 2 epochs, with progress ≥ 10% of the first epoch's loss)",
    );
    assert.match(describePlateau({ window: 4 }), /last 4 epochs \(after ≥ 5 epochs,/);
    assert.match(describePlateau({ minProgress: 0.05 }), /progress ≥ 5% of the first epoch's loss\)$/);
  });
});

describe('a collapse is not a plateau', () => {
  it('a run that learnt and then fell back to chance has not converged, one noisy epoch has', () => {
    // a random-init run on the far domain: it starts to learn at epoch 5, diverges at 6 and stays at chance
    const collapse = [2.309, 2.301, 2.292, 2.223, 1.696, 2.278, 2.311, 2.304];
    assert.equal(plateaued(collapse), false);
    assert.equal(plateauEpoch(collapse), null);
    assert.equal(plateaued(collapse, { maxRegression: 1 }), true, 'without the guard it would count');
    assert.equal(plateauEpoch(MNIST), 12, 'the noisy epoch 11 (0.117 → 0.170) does not block the plateau');
    assert.throws(() => resolvePlateau({ maxRegression: -1 }), /maxRegression must be a number ≥ 0, got -1/);
  });
});
