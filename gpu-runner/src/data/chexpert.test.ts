import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHEXPERT_COLUMNS, chexpertDataset } from './chexpert';
import { tempDir, writeImage, writeText } from './fixtures.test-helper';
import type { Batch, DataSplit } from './types';

const tmp = tempDir('chexpert');
after(tmp.cleanup);
// The official layout: <parent>/CheXpert-v1.0-small/{train.csv,valid.csv,train/…,valid/…}, CSV paths start
// with the dataset folder.
const root = join(tmp.dir, 'CheXpert-v1.0-small');

/** A CSV row with the official columns; `labels` sets observation columns by name. */
function row(path: string, view: string, labels: Record<string, string>): string {
  const values: Record<string, string> = {
    Path: path,
    Sex: 'Female',
    Age: '68',
    'Frontal/Lateral': view,
    'AP/PA': 'AP',
    ...labels,
  };
  return CHEXPERT_COLUMNS.map((c) => values[c] ?? '').join(',');
}

async function collect(split: DataSplit): Promise<Batch> {
  for await (const b of split.batches(100)) return b;
  throw new Error('empty');
}

before(async () => {
  const header = CHEXPERT_COLUMNS.join(',');
  const p = (s: string, i: number) => `CheXpert-v1.0-small/${s}/patient0000${i}/study1/view1_frontal.jpg`;
  for (let i = 1; i <= 3; i++)
    await writeImage(join(tmp.dir, p('train', i)), [40 * i], { width: 24, height: 20 });
  await writeImage(join(tmp.dir, p('train', 4)).replace('frontal', 'lateral'), [200]);
  await writeImage(join(tmp.dir, p('valid', 1)), [128]);
  writeText(
    join(root, 'train.csv'),
    [
      header,
      // Uncertain everywhere: Atelectasis and Edema → 1, the others → 0 by default.
      row(p('train', 1), 'Frontal', {
        Atelectasis: '-1.0',
        Cardiomegaly: '-1.0',
        Consolidation: '-1.0',
        Edema: '-1.0',
        'Pleural Effusion': '-1.0',
      }),
      // Positive, negative and blank.
      row(p('train', 2), 'Frontal', {
        Atelectasis: '1.0',
        Cardiomegaly: '0.0',
        Edema: '',
        'Pleural Effusion': '1.0',
      }),
      row(p('train', 3), 'Frontal', { Cardiomegaly: '1.0' }),
      row(p('train', 4).replace('frontal', 'lateral'), 'Lateral', { Edema: '1.0' }),
    ].join('\n'),
  );
  writeText(
    join(root, 'valid.csv'),
    `${header}\n${row(p('valid', 1), 'Frontal', { Consolidation: '1.0' })}\n`,
  );
});

describe('CheXpert loader', () => {
  it('maps the 5 competition labels: uncertain per policy, blank → 0; multilabel, grayscale', async () => {
    const d = await chexpertDataset({ root, side: 8 });
    assert.equal(d.info.task, 'MULTILABEL');
    assert.deepEqual(d.info.classes, [
      'Atelectasis',
      'Cardiomegaly',
      'Consolidation',
      'Edema',
      'Pleural Effusion',
    ]);
    assert.deepEqual(d.info.shape, [8, 8, 1]);
    assert.equal(d.info.trainSize, 4);
    assert.equal(d.info.testSize, 1);
    const b = await collect(d.train);
    assert.ok(b.y instanceof Float32Array);
    assert.deepEqual([...b.y], [1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
    assert.equal(b.x.length, 4 * 64);
    // Pixel 40 of image 1, ImageNet-gray normalised.
    assert.ok(Math.abs(b.x[0]! - (40 / 255 - 0.449) / 0.226) < 0.03);
    assert.deepEqual([...(await collect(d.test)).y], [0, 0, 1, 0, 0]);
  });

  it('takes a configurable uncertain policy and a view filter', async () => {
    const zeros = await chexpertDataset({ root, side: 4, uncertainPolicy: 'zeros' });
    assert.deepEqual([...(await collect(zeros.train)).y].slice(0, 5), [0, 0, 0, 0, 0]);
    const mixed = await chexpertDataset({
      root,
      side: 4,
      uncertainPolicy: { Cardiomegaly: 'ones', Edema: 'zeros' },
    });
    assert.deepEqual([...(await collect(mixed.train)).y].slice(0, 5), [1, 1, 0, 0, 0]);
    const frontal = await chexpertDataset({ root, side: 4, views: 'frontal', channels: 3 });
    assert.equal(frontal.info.trainSize, 3);
    assert.deepEqual(frontal.info.shape, [4, 4, 3]);
    await assert.rejects(
      chexpertDataset({ root, uncertainPolicy: { Fracture: 'ones' } as never }),
      /names 'Fracture'/,
    );
  });

  it('names missing columns and the file; names a bad value by row and column', async () => {
    const bad = join(tmp.dir, 'bad');
    writeText(
      join(bad, 'train.csv'),
      'Path,Sex,Age,Frontal/Lateral,Atelectasis,Cardiomegaly\nx.jpg,Male,1,Frontal,1,0\n',
    );
    writeText(join(bad, 'valid.csv'), 'Path\n');
    await assert.rejects(
      chexpertDataset({ root: bad }),
      /CSV .*bad\/train\.csv lacks the columns 'AP\/PA', 'Consolidation', 'Edema', 'Pleural Effusion'/,
    );
    writeText(
      join(bad, 'train.csv'),
      `${CHEXPERT_COLUMNS.join(',')}\n${row('x.jpg', 'Frontal', { Edema: 'maybe' })}\n`,
    );
    await assert.rejects(chexpertDataset({ root: bad }), /train\.csv row 1, column 'Edema': value 'maybe'/);
    await assert.rejects(chexpertDataset({ root: join(tmp.dir, 'nowhere') }), /no train\.csv in .*nowhere/);
  });
});
