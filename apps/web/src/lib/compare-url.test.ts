import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSelection, selectionQuery } from './compare-url';

test('a selection survives a trip through the URL', () => {
  const s = {
    runs: ['3', '12', '7'],
    key: 'train/loss',
    group: ['INIT' as const, 'BLOCK_SIZE' as const],
    spikes: false,
    window: null,
  };
  const q = selectionQuery(s);
  assert.equal(q, 'runs=3,12,7&key=train/loss&group=INIT,BLOCK_SIZE&spikes=0');
  assert.deepEqual(parseSelection(new URLSearchParams(q)), s);
  const zoomed = { ...s, window: { from: 1200, to: 4095 } };
  assert.equal(selectionQuery(zoomed), `${q}&from=1200&to=4095`);
  assert.deepEqual(parseSelection(new URLSearchParams(selectionQuery(zoomed))), zoomed);
});

test('junk in the URL is dropped, defaults fill in', () => {
  assert.deepEqual(parseSelection({ runs: '1,x,1,2', group: 'INIT,NOPE', key: '' }), {
    runs: ['1', '2'],
    key: 'test/acc',
    group: ['INIT'],
    spikes: true,
    window: null,
  });
  assert.equal(parseSelection({ from: '9', to: '3' }).window, null, 'a window that ends before it starts');
  assert.equal(parseSelection({ from: '-1', to: '3' }).window, null);
});

test('group keys read as the paper writes them', async () => {
  const { groupLabel } = await import('./group-label');
  assert.equal(groupLabel('INIT=PRETRAINED BLOCK_SIZE=4'), 'P-T, block 4');
  assert.equal(groupLabel('INIT=RANDOM BLOCK_SIZE=0'), 'RI-T, block *');
  assert.equal(groupLabel('STUDY=3'), 'study 3');
});
