import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { RunInit, RunKind, RunStatus } from '../common/enums';
import { JSONObject } from '../common/scalars';

@InputType({ description: 'Which runs to list; every given field must match.' })
export class RunFilterInput {
  @Field(() => ID, { nullable: true })
  studyId?: string;

  @Field(() => RunKind, { nullable: true })
  kind?: RunKind;

  @Field(() => RunInit, { nullable: true })
  init?: RunInit;

  @Field(() => ID, { nullable: true })
  datasetId?: string;

  @Field(() => ID, { nullable: true })
  modelId?: string;

  @Field(() => Int, { nullable: true, description: 'Exact block size (0 = pixel shuffle "*").' })
  blockSize?: number;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: only unshuffled runs; false: only shuffled ones.',
  })
  unshuffled?: boolean;

  @Field(() => [RunStatus], { nullable: true })
  statuses?: RunStatus[];

  @Field(() => Int, { nullable: true })
  seed?: number;

  @Field(() => ID, { nullable: true })
  initCheckpointId?: string;

  @Field(() => ID, { nullable: true })
  sweepAnalysisId?: string;
}

@InputType({ description: 'Training settings; stored on the run as `hyperparameters` JSON.' })
export class HyperparametersInput {
  @Field(() => Int, { defaultValue: 10 })
  epochs!: number;

  @Field(() => Int, { defaultValue: 64 })
  batchSize!: number;

  @Field(() => Float, { defaultValue: 0.01 })
  learningRate!: number;

  @Field(() => Float, { defaultValue: 0.9 })
  momentum!: number;

  @Field(() => Float, { defaultValue: 5e-4 })
  weightDecay!: number;

  @Field(() => String, { defaultValue: 'sgd', description: '"sgd" (what the runner trains with).' })
  optimizer!: string;

  @Field(() => Int, {
    defaultValue: 1,
    description: 'Save a checkpoint every this many epochs (0 = only at the end).',
  })
  checkpointEvery!: number;

  @Field(() => Int, { nullable: true, description: 'Train on a seeded subset of this many examples.' })
  trainExamples?: number | null;

  @Field(() => [Int], {
    nullable: true,
    description: 'Epochs at which the learning rate is multiplied by lrGamma.',
  })
  lrMilestones?: number[] | null;

  @Field(() => Float, { nullable: true, description: 'Learning-rate factor at each milestone (e.g. 0.1).' })
  lrGamma?: number | null;

  @Field(() => Int, { nullable: true, description: 'Cap on batches per epoch (quick runs).' })
  maxBatchesPerEpoch?: number | null;

  @Field(() => Int, { nullable: true, description: 'Cap on examples per evaluation (quick runs).' })
  maxEvalExamples?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Train until the training loss plateaus, then anneal (annealEpochs at lr × 0.1) and stop; epochs is the cap. Default false: exactly epochs epochs.',
  })
  untilPlateau?: boolean | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Plateau: the best training loss improved by at most this fraction of the progress so far over the last plateauWindow epochs. In (0, 1); default 0.02.',
  })
  plateauTolerance?: number | null;

  @Field(() => Int, { nullable: true, description: 'Plateau: epochs looked back over (≥ 1); default 2.' })
  plateauWindow?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Plateau: epochs before the criterion is tested (≥ 1); default 3.',
  })
  minEpochs?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Epochs trained at lr × 0.1 after the plateau, then training stops (≥ 0); default 1.',
  })
  annealEpochs?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Optimisation speed (summary.speed) = mean training accuracy over the first this many epochs, the same budget for P-T and RI-T (≥ 1); default: all epochs.',
  })
  speedEpochs?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Clip every step’s gradient to this global ℓ2 norm (> 0, at most 1e6); default none. The runner then logs train/grad_norm per step.',
  })
  maxGradNorm?: number | null;

  @Field(() => JSONObject, { nullable: true, description: 'Anything else the runner understands.' })
  extra?: Record<string, unknown> | null;
}

@InputType()
export class StartPretrainInput {
  @Field(() => ID, { nullable: true })
  studyId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => ID)
  modelId!: string;

  @Field(() => Int, { defaultValue: 0 })
  seed!: number;

  @Field(() => Int, { nullable: true, description: 'null = none, 0 = pixel shuffle "*", b = b×b blocks.' })
  blockSize?: number | null;

  @Field(() => HyperparametersInput, { nullable: true })
  hyperparameters?: HyperparametersInput | null;
}

@InputType()
export class StartFineTuneInput {
  @Field(() => ID, { nullable: true })
  studyId?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { description: 'The target dataset.' })
  datasetId!: string;

  @Field(() => RunInit)
  init!: RunInit;

  @Field(() => ID, { nullable: true, description: 'Required for PRETRAINED, forbidden for RANDOM.' })
  initCheckpointId?: string | null;

  @Field(() => ID, { nullable: true, description: "Default: the init checkpoint's model." })
  modelId?: string | null;

  @Field(() => Int, { defaultValue: 0 })
  seed!: number;

  @Field(() => Int, { nullable: true })
  blockSize?: number | null;

  @Field(() => HyperparametersInput, { nullable: true })
  hyperparameters?: HyperparametersInput | null;
}
