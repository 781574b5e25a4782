import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase } from '@basin/db';
import type { App } from '../src/app';
import { toHyperparameters } from '../src/run/hyperparameters';
import type { HyperparametersInput } from '../src/run/run.input';
import { type GqlResponse, gql, startWorld, type TeamWorld } from './fixtures';

let db: TestDatabase;
let app: App;
let a: TeamWorld;

before(async () => {
  ({ db, app, a } = await startWorld());
});
after(async () => {
  await app.stop();
  await db.close();
});

const code = (r: GqlResponse) => r.errors?.[0]?.extensions?.code;
const startFineTune = (hyperparameters: Record<string, unknown>) =>
  gql(
    app.url,
    'mutation($in: StartFineTuneInput!) { startFineTune(input: $in) { id hyperparameters } }',
    { in: { datasetId: a.datasetId, init: 'RANDOM', modelId: a.modelId, hyperparameters } },
    a.token,
  );

describe('convergence hyperparameters (plateau stopping, annealing, speed budget)', () => {
  test('are stored when given, and absent ones are not stored (old runs behave the same)', async () => {
    const given = await startFineTune({
      epochs: 30,
      untilPlateau: true,
      plateauTolerance: 0.05,
      plateauWindow: 3,
      minEpochs: 4,
      annealEpochs: 2,
      speedEpochs: 2,
    });
    assert.equal(given.errors, undefined, JSON.stringify(given.errors));
    const h = given.data!.startFineTune.hyperparameters;
    assert.deepEqual(
      [h.untilPlateau, h.plateauTolerance, h.plateauWindow, h.minEpochs, h.annealEpochs, h.speedEpochs],
      [true, 0.05, 3, 4, 2, 2],
    );
    const plain = await startFineTune({ epochs: 2 });
    assert.equal(plain.errors, undefined, JSON.stringify(plain.errors));
    for (const key of [
      'untilPlateau',
      'plateauTolerance',
      'plateauWindow',
      'minEpochs',
      'annealEpochs',
      'speedEpochs',
    ])
      assert.ok(!(key in plain.data!.startFineTune.hyperparameters), key);
  });

  test('out-of-range values are BAD_USER_INPUT naming the field; nothing is written', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { plateauTolerance: 1.5 },
        /input\.hyperparameters\.plateauTolerance: expected a number in \(0, 1\), got 1\.5/,
      ],
      [{ plateauTolerance: 0 }, /hyperparameters\.plateauTolerance: expected a number in \(0, 1\), got 0/],
      [{ plateauTolerance: 1 }, /hyperparameters\.plateauTolerance: expected a number in \(0, 1\), got 1/],
      [{ plateauWindow: 0 }, /hyperparameters\.plateauWindow: expected an integer from 1/],
      [{ minEpochs: 0 }, /hyperparameters\.minEpochs: expected an integer from 1/],
      [{ annealEpochs: -1 }, /hyperparameters\.annealEpochs: expected an integer from 0/],
      [{ speedEpochs: 0 }, /hyperparameters\.speedEpochs: expected an integer from 1/],
    ];
    const runs = async () => Number((await db.sql<{ n: string }[]>`select count(*) as n from runs`)[0]!.n);
    const before = await runs();
    for (const [hp, message] of cases) {
      const r = await startFineTune(hp);
      assert.equal(code(r), 'BAD_USER_INPUT', JSON.stringify(hp));
      assert.match(r.errors![0]!.message, message);
    }
    assert.equal(await runs(), before);
  });

  test('toHyperparameters checks them without the server', () => {
    const input = { plateauTolerance: Number.NaN } as unknown as HyperparametersInput;
    assert.throws(
      () => toHyperparameters(input, 'hp'),
      /hp\.plateauTolerance: expected a number in \(0, 1\)/,
    );
    const ok = toHyperparameters({ untilPlateau: false } as unknown as HyperparametersInput, 'hp');
    assert.equal(ok.untilPlateau, false);
  });
});
