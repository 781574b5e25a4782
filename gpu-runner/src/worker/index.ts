/** The runner service: graphile-worker task handlers around the training engine and the analysis library. */
export { type RunnerConfig, runnerConfigFromEnv } from './config';
export { reapDeadRunners } from './reaper';
export { type CreateRunnerOptions, createRunner, type RunningRunner } from './runner';
export { checkpointEpochs } from './train-job';
