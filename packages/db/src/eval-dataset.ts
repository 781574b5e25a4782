/**
 * Which dataset an analysis evaluates its models on — one rule for the API (which tags the job so only a runner
 * that has that data claims it) and the runner (which loads it).
 */

/** What the rule needs to know of one input checkpoint: the run that saved it, if any. */
export interface EvalInput {
  run: { kind: 'PRETRAIN' | 'FINETUNE' | string; datasetId: string } | null;
}

/** The answer: a dataset id, or why there is none. */
export type EvalDatasetChoice = { datasetId: string } | { conflict: string[] } | { missing: true };

/**
 * `params.datasetId` when given; for MODULE_CRITICALITY the final model's run's dataset (the second input: a P-T
 * model's initial checkpoint was saved by the *pretraining* run); else the dataset the fine-tuned inputs were
 * trained on (`conflict` lists them when they differ); else the first input saved by a run.
 */
export function chooseEvalDataset(
  kind: string,
  inputs: readonly EvalInput[],
  paramsDatasetId: unknown,
): EvalDatasetChoice {
  if (paramsDatasetId !== undefined && paramsDatasetId !== null)
    return { datasetId: String(paramsDatasetId) };
  const final = kind === 'MODULE_CRITICALITY' ? inputs[1]?.run : undefined;
  if (final) return { datasetId: final.datasetId };
  const finetuned = [
    ...new Set(inputs.flatMap((i) => (i.run?.kind === 'FINETUNE' ? [i.run.datasetId] : []))),
  ];
  if (finetuned.length > 1) return { conflict: finetuned };
  const id = finetuned[0] ?? inputs.find((i) => i.run)?.run?.datasetId;
  return id ? { datasetId: id } : { missing: true };
}
