-- Basin's domain model (shared/DESIGN.md §2). Enumerations are text + CHECK so a new value is a one-line migration.
-- Ids are bigint identities; the API exposes them as opaque strings.

CREATE TABLE teams (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Tokens are stored as a SHA-256 of the secret; `prefix` (first characters) lets a person tell tokens apart.
CREATE TABLE api_tokens (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id       bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name          text NOT NULL DEFAULT '',
  prefix        text NOT NULL,
  token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_team ON api_tokens(team_id);

CREATE TABLE studies (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id      bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description  text NOT NULL DEFAULT '',
  config       jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name)
);

CREATE TABLE datasets (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id     bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind        text NOT NULL CHECK (kind IN ('MNIST','FASHION_MNIST','SYNTHETIC_DOMAIN','DOMAINNET','CHEXPERT','IMAGE_FOLDER')),
  domain      text,
  task        text NOT NULL DEFAULT 'MULTICLASS' CHECK (task IN ('MULTICLASS','MULTILABEL')),
  -- [height, width, channels]
  image_shape integer[] NOT NULL CHECK (array_length(image_shape, 1) = 3),
  classes     text[] NOT NULL CHECK (cardinality(classes) >= 1),
  train_size  integer NOT NULL CHECK (train_size >= 0),
  test_size   integer NOT NULL CHECK (test_size >= 0),
  -- where a runner finds it (a folder for DOMAINNET/CHEXPERT/IMAGE_FOLDER), null for packaged/generated data
  root        text,
  -- the full spec the engine's openDataset() takes (seed, sizes, uncertain-label policy …)
  spec        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name)
);

CREATE TABLE models (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id      bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  family       text NOT NULL,
  depth        integer NOT NULL CHECK (depth > 0),
  width        integer NOT NULL CHECK (width > 0),
  input_shape  integer[] NOT NULL CHECK (array_length(input_shape, 1) = 3),
  num_classes  integer NOT NULL CHECK (num_classes > 0),
  -- PyTorch-style module names in forward order: conv1, layer1.0, …, fc
  modules      text[] NOT NULL CHECK (cardinality(modules) >= 1),
  param_count  bigint NOT NULL DEFAULT 0,
  spec         jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX models_team ON models(team_id);

CREATE TABLE runs (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id             bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  study_id            bigint REFERENCES studies(id) ON DELETE CASCADE,
  name                text NOT NULL DEFAULT '',
  kind                text NOT NULL CHECK (kind IN ('PRETRAIN','FINETUNE')),
  init                text NOT NULL CHECK (init IN ('PRETRAINED','RANDOM')),
  init_checkpoint_id  bigint,  -- FK added below (checkpoints reference runs too)
  dataset_id          bigint NOT NULL REFERENCES datasets(id),
  model_id            bigint NOT NULL REFERENCES models(id),
  -- null = no shuffle, 0 = pixel shuffle "*", b > 0 = b×b blocks
  block_size          integer CHECK (block_size IS NULL OR block_size >= 0),
  seed                integer NOT NULL DEFAULT 0,
  hyperparameters     jsonb NOT NULL DEFAULT '{}',
  status              text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
  backend             text,
  error               text,
  -- a run that belongs to a sweep (block-shuffle or checkpoint sweep) points at the analysis that fanned it out
  sweep_analysis_id   bigint,
  attempt             integer NOT NULL DEFAULT 0,
  worker_id           text,
  heartbeat_at        timestamptz,
  cancel_requested_at timestamptz,
  summary             jsonb NOT NULL DEFAULT '{}',
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  finished_at         timestamptz,
  CHECK ((init = 'PRETRAINED') = (init_checkpoint_id IS NOT NULL))
);
CREATE INDEX runs_team_created ON runs(team_id, id DESC);
CREATE INDEX runs_study ON runs(study_id, id);
CREATE INDEX runs_status ON runs(status) WHERE status IN ('QUEUED','RUNNING');
CREATE INDEX runs_init_checkpoint ON runs(init_checkpoint_id) WHERE init_checkpoint_id IS NOT NULL;

CREATE TABLE checkpoints (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id               bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  model_id              bigint NOT NULL REFERENCES models(id),
  run_id                bigint REFERENCES runs(id) ON DELETE CASCADE,   -- null for an imported model
  parent_checkpoint_id  bigint REFERENCES checkpoints(id),             -- the checkpoint the producing run started from
  step                  bigint NOT NULL DEFAULT 0 CHECK (step >= 0),
  epoch                 double precision NOT NULL DEFAULT 0,
  blob_hash             text NOT NULL CHECK (blob_hash ~ '^[0-9a-f]{64}$'),
  blob_size             bigint NOT NULL CHECK (blob_size >= 0),
  metrics               jsonb NOT NULL DEFAULT '{}',
  created_at            timestamptz NOT NULL DEFAULT now()
);
-- one checkpoint per step of a run, so a resumed run re-saving a step is idempotent
CREATE UNIQUE INDEX checkpoints_run_step ON checkpoints(run_id, step) WHERE run_id IS NOT NULL;
CREATE INDEX checkpoints_parent ON checkpoints(parent_checkpoint_id) WHERE parent_checkpoint_id IS NOT NULL;
CREATE INDEX checkpoints_model ON checkpoints(model_id);

ALTER TABLE runs ADD CONSTRAINT runs_init_checkpoint_fk FOREIGN KEY (init_checkpoint_id) REFERENCES checkpoints(id);

CREATE TABLE analyses (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id      bigint NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  study_id     bigint REFERENCES studies(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('CKA','MISTAKES','PARAM_DISTANCE','BARRIER','MODULE_CRITICALITY','BLOCK_SHUFFLE','CHECKPOINT_SWEEP')),
  name         text NOT NULL DEFAULT '',
  params       jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
  -- typed result; its shape is fixed by `kind` (the GraphQL union member)
  result       jsonb,
  error        text,
  progress     double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  worker_id    text,
  heartbeat_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz,
  CHECK (status <> 'SUCCEEDED' OR result IS NOT NULL)
);
CREATE INDEX analyses_study ON analyses(study_id, id);
CREATE INDEX analyses_team ON analyses(team_id, id DESC);

ALTER TABLE runs ADD CONSTRAINT runs_sweep_fk FOREIGN KEY (sweep_analysis_id) REFERENCES analyses(id) ON DELETE SET NULL;
CREATE INDEX runs_sweep ON runs(sweep_analysis_id) WHERE sweep_analysis_id IS NOT NULL;

-- Lineage edges from an analysis to what it took as input; `role` says which side ("a", "b", "init", "final" …).
CREATE TABLE analysis_inputs (
  analysis_id    bigint NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
  position       integer NOT NULL,
  role           text NOT NULL DEFAULT '',
  checkpoint_id  bigint REFERENCES checkpoints(id) ON DELETE CASCADE,
  run_id         bigint REFERENCES runs(id) ON DELETE CASCADE,
  PRIMARY KEY (analysis_id, position),
  CHECK ((checkpoint_id IS NULL) <> (run_id IS NULL))
);
CREATE INDEX analysis_inputs_checkpoint ON analysis_inputs(checkpoint_id) WHERE checkpoint_id IS NOT NULL;
CREATE INDEX analysis_inputs_run ON analysis_inputs(run_id) WHERE run_id IS NOT NULL;
