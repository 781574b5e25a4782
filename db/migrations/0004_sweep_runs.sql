-- The runs a sweep summarises. A sweep owns the runs it fans out (runs.sweep_analysis_id, unchanged) and may also
-- count an existing fine-tune of its study that trains exactly one of its points (same dataset, model, init,
-- init checkpoint, block size, seed and hyperparameters) instead of training a second copy; this table lists both.
CREATE TABLE sweep_runs (
  analysis_id bigint NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
  run_id      bigint NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  PRIMARY KEY (analysis_id, run_id)
);
CREATE INDEX sweep_runs_run ON sweep_runs(run_id);

INSERT INTO sweep_runs (analysis_id, run_id)
  SELECT sweep_analysis_id, id FROM runs WHERE sweep_analysis_id IS NOT NULL;
