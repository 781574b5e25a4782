import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCHEMA_FILE } from './print-schema';
import { printBasinSchema } from './schema';

test('the committed schema.graphql is what the code builds (run `npm run schema -w @basin/api` to update)', async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  const built = await printBasinSchema();
  assert.ok(committed === built, 'apps/api/schema.graphql is stale: run `npm run schema -w @basin/api`');
});

test('the schema has the root fields DESIGN.md §3 promises', async () => {
  const sdl = await printBasinSchema();
  for (const field of [
    'studies:',
    'study(id: ID!)',
    'run(id: ID!)',
    'runs(',
    'checkpoint(id: ID!)',
    'analysis(id: ID!)',
    'compareRuns(',
    'datasets:',
    'models:',
    'createStudy(',
    'registerDataset(',
    'importModel(',
    'startPretrain(',
    'startFineTune(',
    'startBlockShuffleSweep(',
    'startCheckpointSweep(',
    'runAnalysis(',
    'cancelRun(',
    'runProgress(runId: ID!)',
    'studyEvents(studyId: ID!)',
  ]) {
    assert.ok(sdl.includes(`  ${field}`), `missing root field ${field}`);
  }
  assert.match(
    sdl,
    /union AnalysisResult = BarrierResult \| BlockShuffleResult \| CheckpointSweepResult \| CkaResult \| MistakesResult \| ModuleCriticalityResult \| ParamDistanceResult/,
  );
});
