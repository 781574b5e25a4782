import { Field, ID, InputType, Int } from 'type-graphql';
import { AnalysisKind } from '../common/enums';
import { JSONObject } from '../common/scalars';
import { HyperparametersInput } from '../run/run.input';

@InputType({ description: 'One input of an analysis: a checkpoint (or a run), in a role.' })
export class AnalysisInputInput {
  @Field(() => ID, { nullable: true })
  checkpointId?: string | null;

  @Field(() => ID, { nullable: true })
  runId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'e.g. "a", "b", "initial", "final"; default by position.',
  })
  role?: string | null;
}

@InputType()
export class RunAnalysisInput {
  @Field(() => AnalysisKind, {
    description:
      'CKA, MISTAKES, PARAM_DISTANCE, BARRIER or MODULE_CRITICALITY (sweeps have their own mutations).',
  })
  kind!: AnalysisKind;

  @Field(() => ID, { nullable: true })
  studyId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => [AnalysisInputInput])
  inputs!: AnalysisInputInput[];

  @Field(() => JSONObject, { nullable: true, description: 'Per-kind parameters (apps/api/RESULTS.md).' })
  params?: Record<string, unknown> | null;
}

/** What a sweep's `reuseRuns` does (both sweep kinds). */
const REUSE_RUNS =
  "Count an existing fine-tune of the study that trains exactly one of the sweep's points (same dataset, model, init, init checkpoint, block size, seed and hyperparameters; queued, running or succeeded) instead of training it again. false trains every point afresh.";

@InputType()
export class StartBlockShuffleSweepInput {
  @Field(() => ID, { nullable: true })
  studyId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { description: 'The target dataset the blocks are shuffled in.' })
  datasetId!: string;

  @Field(() => ID, {
    description: 'The P-T runs start from it; RI-T runs use its model with random weights.',
  })
  pretrainCheckpointId!: string;

  @Field(() => [Int], { description: 'Block sizes; 0 = pixel shuffle "*".' })
  blockSizes!: number[];

  @Field(() => Boolean, { defaultValue: true, description: 'Also run the unshuffled baseline.' })
  includeUnshuffled!: boolean;

  @Field(() => [Int], { defaultValue: [0, 1, 2] })
  seeds!: number[];

  @Field(() => Boolean, { defaultValue: true, description: REUSE_RUNS })
  reuseRuns!: boolean;

  @Field(() => HyperparametersInput, { nullable: true })
  hyperparameters?: HyperparametersInput | null;
}

@InputType()
export class StartCheckpointSweepInput {
  @Field(() => ID, { nullable: true })
  studyId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { description: 'The pretraining run whose checkpoints are fine-tuned from.' })
  pretrainRunId!: string;

  @Field(() => [ID], { nullable: true, description: 'Default: every checkpoint of the run.' })
  checkpointIds?: string[] | null;

  @Field(() => ID, { description: 'The target dataset.' })
  datasetId!: string;

  @Field(() => [Int], { defaultValue: [0, 1, 2] })
  seeds!: number[];

  @Field(() => Boolean, {
    defaultValue: true,
    description: 'Also fine-tune from random init with the same seeds.',
  })
  includeRandomInit!: boolean;

  @Field(() => Int, { nullable: true })
  blockSize?: number | null;

  @Field(() => Boolean, { defaultValue: true, description: REUSE_RUNS })
  reuseRuns!: boolean;

  @Field(() => HyperparametersInput, { nullable: true })
  hyperparameters?: HyperparametersInput | null;
}
