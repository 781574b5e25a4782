import type * as Db from '@basin/db';
import { type SanityCode as DbSanityCode, type SanityFlag as DbSanityFlag, SANITY_CODES } from '@basin/db';
import { createUnionType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PairType } from '../common/enums';

// GraphQL shapes of packages/db/src/results.ts (documented in apps/api/RESULTS.md). Field names match the JSON:
// each class implements its stored shape, so a field added, renamed or retyped there fails the typecheck here.

/** The stored shape a GraphQL class must carry (`kind` is the union's discriminator, `sanity` a resolver). */
type Shape<T> = Omit<T, 'kind' | 'sanity'>;

/** Why a result may not be trustworthy: the codes declared once in @basin/db (`SANITY_CODES`). */
export const SanityCode = Object.fromEntries(SANITY_CODES.map((c) => [c, c])) as {
  readonly [K in DbSanityCode]: K;
};
export type SanityCode = DbSanityCode;

registerEnumType(SanityCode, {
  name: 'SanityCode',
  description: 'Why a result may not be trustworthy (thresholds in apps/api/RESULTS.md).',
  valuesConfig: {
    NEAR_CHANCE: {
      description: 'A model scores near chance on the evaluation data: chance + 0.1·(1 − chance).',
    },
    ENDPOINT_MISMATCH: {
      description: "A model's score here differs from its run's own final test accuracy on the same dataset.",
    },
    SINGLE_SEED: { description: 'A sweep cell has fewer than 2 seeds: its std and CI say nothing.' },
  },
});

@ObjectType({ description: 'One reason to distrust a result.' })
export class SanityFlag implements Shape<Db.SanityFlag> {
  @Field(() => SanityCode)
  code!: SanityCode;

  @Field(() => String)
  message!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The checkpoint the flag is about; null: the whole result.',
  })
  checkpointId!: string | null;
}

@ObjectType({ description: 'The dataset an analysis evaluated on.' })
export class DatasetRef implements Shape<Db.DatasetRef> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}

/** Every result member has `sanity`; rows stored before it existed lack it and read as []. */
@ObjectType()
abstract class CheckedResult {
  sanity?: DbSanityFlag[];

  @Field(() => [SanityFlag], {
    name: 'sanity',
    description: 'Reasons to distrust this result; empty when none.',
  })
  sanityFlags(): DbSanityFlag[] {
    return this.sanity ?? [];
  }
}

@ObjectType({ description: 'One side of a compared pair.' })
export class ModelRef implements Shape<Db.ModelRef> {
  @Field(() => ID)
  checkpointId!: string;

  @Field(() => ID, { nullable: true })
  runId!: string | null;

  @Field(() => String)
  label!: string;
}

@ObjectType({ description: 'A quantity over seeds: mean, sample std, 95% CI of the mean, values.' })
export class SeedStats implements Shape<Db.SeedStats> {
  @Field(() => Float)
  mean!: number;

  @Field(() => Float)
  std!: number;

  @Field(() => Float)
  ciLow!: number;

  @Field(() => Float)
  ciHigh!: number;

  @Field(() => Int)
  n!: number;

  @Field(() => [Float])
  values!: number[];
}

@ObjectType({ description: 'CKA between every module of A and every module of B.' })
export class CkaPair implements Shape<Db.CkaPair> {
  @Field(() => ModelRef)
  a!: ModelRef;

  @Field(() => ModelRef)
  b!: ModelRef;

  @Field(() => PairType)
  pairType!: PairType;

  @Field(() => [String])
  modulesA!: string[];

  @Field(() => [String])
  modulesB!: string[];

  @Field(() => [[Float]], { description: 'values[i][j] = CKA(modulesA[i], modulesB[j]).' })
  values!: number[][];
}

@ObjectType()
export class CkaResult extends CheckedResult implements Shape<Db.CkaResult> {
  @Field(() => Boolean)
  debiased!: boolean;

  @Field(() => Int)
  examples!: number;

  @Field(() => String)
  split!: string;

  @Field(() => DatasetRef, { nullable: true, description: 'null for results stored before it was recorded.' })
  dataset!: DatasetRef | null;

  @Field(() => [CkaPair])
  pairs!: CkaPair[];
}

@ObjectType({ description: 'Common and uncommon mistakes of two models on the same examples.' })
export class MistakesPair implements Shape<Db.MistakesPair> {
  @Field(() => ModelRef)
  a!: ModelRef;

  @Field(() => ModelRef)
  b!: ModelRef;

  @Field(() => PairType)
  pairType!: PairType;

  @Field(() => Int, { description: 'Wrong by both.' })
  common!: number;

  @Field(() => Int, { description: 'Wrong by A only.' })
  onlyA!: number;

  @Field(() => Int, { description: 'Wrong by B only.' })
  onlyB!: number;

  @Field(() => Float)
  accuracyA!: number;

  @Field(() => Float)
  accuracyB!: number;

  @Field(() => Float, { description: 'Fraction of examples with equal predictions.' })
  agreement!: number;

  @Field(() => Float, { description: 'Among common mistakes, the fraction with the same wrong class.' })
  wrongAgreement!: number;
}

@ObjectType()
export class MistakesResult extends CheckedResult implements Shape<Db.MistakesResult> {
  @Field(() => Int)
  examples!: number;

  @Field(() => String, { nullable: true, description: 'null for results stored before it was recorded.' })
  split!: string | null;

  @Field(() => DatasetRef, { nullable: true, description: 'null for results stored before it was recorded.' })
  dataset!: DatasetRef | null;

  @Field(() => [MistakesPair])
  pairs!: MistakesPair[];
}

@ObjectType()
export class ModuleDistance implements Shape<Db.ModuleDistance> {
  @Field(() => String)
  module!: string;

  @Field(() => Float)
  distance!: number;

  @Field(() => Float)
  numel!: number;
}

@ObjectType({ description: 'A module left out because its shapes differ.' })
export class ExcludedModule implements Shape<Db.ExcludedModule> {
  @Field(() => String)
  module!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => [Int])
  shapeA!: number[];

  @Field(() => [Int])
  shapeB!: number[];
}

@ObjectType()
export class ParamDistancePair implements Shape<Db.ParamDistancePair> {
  @Field(() => ModelRef)
  a!: ModelRef;

  @Field(() => ModelRef)
  b!: ModelRef;

  @Field(() => PairType)
  pairType!: PairType;

  @Field(() => Float)
  total!: number;

  @Field(() => [ModuleDistance])
  modules!: ModuleDistance[];

  @Field(() => [ExcludedModule])
  excluded!: ExcludedModule[];
}

@ObjectType()
export class ParamDistanceResult extends CheckedResult implements Shape<Db.ParamDistanceResult> {
  @Field(() => [ParamDistancePair])
  pairs!: ParamDistancePair[];
}

@ObjectType({ description: 'Loss and error along θ(λ) = (1−λ)θ_A + λθ_B, and the barriers.' })
export class BarrierPair implements Shape<Db.BarrierPair> {
  @Field(() => ModelRef)
  a!: ModelRef;

  @Field(() => ModelRef)
  b!: ModelRef;

  @Field(() => PairType)
  pairType!: PairType;

  @Field(() => [Float])
  lambdas!: number[];

  @Field(() => [Float])
  loss!: number[];

  @Field(() => [Float])
  error!: number[];

  @Field(() => Float)
  lossBarrier!: number;

  @Field(() => Float)
  errorBarrier!: number;
}

@ObjectType()
export class BarrierResult extends CheckedResult implements Shape<Db.BarrierResult> {
  @Field(() => String)
  split!: string;

  @Field(() => DatasetRef, { nullable: true, description: 'null for results stored before it was recorded.' })
  dataset!: DatasetRef | null;

  @Field(() => [BarrierPair])
  pairs!: BarrierPair[];
}

@ObjectType()
export class ModuleCriticality implements Shape<Db.ModuleCriticality> {
  @Field(() => String)
  module!: string;

  @Field(() => Float, { nullable: true, description: 'μ; null when no (α, σ) stayed within (1+ε)·L.' })
  criticality!: number | null;

  @Field(() => Float, { nullable: true })
  bestAlpha!: number | null;

  @Field(() => Float, { nullable: true })
  bestSigma!: number | null;

  @Field(() => Float, { description: '‖θ^F − θ⁰‖_F of the module.' })
  distance!: number;

  @Field(() => [[Float]], { description: 'meanLoss[i][j] at alphas[i], sigmas[j].' })
  meanLoss!: number[][];

  @Field(() => Float)
  rewindLoss!: number;

  @Field(() => Float)
  rewindAccuracy!: number;
}

@ObjectType()
export class ModuleCriticalityResult extends CheckedResult implements Shape<Db.ModuleCriticalityResult> {
  @Field(() => ModelRef)
  initial!: ModelRef;

  @Field(() => ModelRef)
  final!: ModelRef;

  @Field(() => Float)
  epsilon!: number;

  @Field(() => Int)
  noiseSamples!: number;

  @Field(() => Float)
  finalLoss!: number;

  @Field(() => Float)
  finalAccuracy!: number;

  @Field(() => [Float])
  alphas!: number[];

  @Field(() => [Float])
  sigmas!: number[];

  @Field(() => [ModuleCriticality])
  modules!: ModuleCriticality[];

  @Field(() => String, {
    nullable: true,
    description:
      "Split the losses were measured on ('train' by default); null for results stored before it was recorded.",
  })
  split!: string | null;

  @Field(() => DatasetRef, {
    nullable: true,
    description:
      "The final checkpoint's run's dataset unless params.datasetId; null for results stored before it was recorded.",
  })
  dataset!: DatasetRef | null;
}

@ObjectType({ description: 'One block size of a block-shuffle sweep: P-T vs RI-T over seeds.' })
export class BlockShuffleRow implements Shape<Db.BlockShuffleRow> {
  @Field(() => Int, { nullable: true, description: 'null = none, 0 = "*".' })
  blockSize!: number | null;

  @Field(() => String)
  label!: string;

  @Field(() => SeedStats)
  pretrainedAccuracy!: SeedStats;

  @Field(() => SeedStats)
  randomAccuracy!: SeedStats;

  @Field(() => SeedStats)
  pretrainedSpeed!: SeedStats;

  @Field(() => SeedStats)
  randomSpeed!: SeedStats;

  @Field(() => SeedStats, { description: '100·(A_PT − A_RIT)/A_PT.' })
  relativeDrop!: SeedStats;

  @Field(() => [ID])
  pretrainedRunIds!: string[];

  @Field(() => [ID])
  randomRunIds!: string[];

  @Field(() => String, {
    nullable: true,
    description: 'A remark on the row (e.g. b = 1 equals "*" on 1-channel images).',
  })
  note!: string | null;
}

@ObjectType()
export class BlockShuffleResult extends CheckedResult implements Shape<Db.BlockShuffleResult> {
  @Field(() => ID)
  datasetId!: string;

  @Field(() => ID)
  pretrainCheckpointId!: string;

  @Field(() => [Int])
  seeds!: number[];

  @Field(() => [BlockShuffleRow])
  rows!: BlockShuffleRow[];
}

@ObjectType({ description: 'Fine-tuning from one pretraining checkpoint, over seeds.' })
export class CheckpointSweepPoint implements Shape<Db.CheckpointSweepPoint> {
  @Field(() => ID)
  checkpointId!: string;

  @Field(() => Float)
  epoch!: number;

  @Field(() => Int)
  step!: number;

  @Field(() => SeedStats)
  accuracy!: SeedStats;

  @Field(() => SeedStats)
  speed!: SeedStats;

  @Field(() => [ID])
  runIds!: string[];
}

@ObjectType({ description: 'The random-init baseline of a checkpoint sweep.' })
export class RandomInitBaseline {
  @Field(() => SeedStats)
  accuracy!: SeedStats;

  @Field(() => SeedStats)
  speed!: SeedStats;

  @Field(() => [ID])
  runIds!: string[];
}

@ObjectType()
export class CheckpointSweepResult extends CheckedResult implements Shape<Db.CheckpointSweepResult> {
  @Field(() => ID)
  pretrainRunId!: string;

  @Field(() => ID)
  datasetId!: string;

  @Field(() => [Int])
  seeds!: number[];

  @Field(() => [CheckpointSweepPoint])
  points!: CheckpointSweepPoint[];

  @Field(() => RandomInitBaseline, { nullable: true })
  randomInit!: RandomInitBaseline | null;
}

const BY_KIND = {
  CKA: 'CkaResult',
  MISTAKES: 'MistakesResult',
  PARAM_DISTANCE: 'ParamDistanceResult',
  BARRIER: 'BarrierResult',
  MODULE_CRITICALITY: 'ModuleCriticalityResult',
  BLOCK_SHUFFLE: 'BlockShuffleResult',
  CHECKPOINT_SWEEP: 'CheckpointSweepResult',
} as const;

/** The result of an analysis; which member is fixed by the analysis kind. */
export const AnalysisResult = createUnionType({
  name: 'AnalysisResult',
  description: 'The typed result of an analysis; the member follows the analysis kind.',
  types: () =>
    [
      CkaResult,
      MistakesResult,
      ParamDistanceResult,
      BarrierResult,
      ModuleCriticalityResult,
      BlockShuffleResult,
      CheckpointSweepResult,
    ] as const,
  resolveType: (value) => BY_KIND[(value as unknown as { kind: keyof typeof BY_KIND }).kind],
});
