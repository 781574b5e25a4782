-- API tokens get a scope: 'read' tokens may query and subscribe, 'write' tokens may also run mutations.
ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'write' CHECK (scope IN ('read','write'));

-- Run listings filter by these within a team (the API's `runs(filter: …)`); the team prefix keeps scans per team.
CREATE INDEX runs_team_dataset ON runs(team_id, dataset_id, id);
CREATE INDEX runs_team_model ON runs(team_id, model_id, id);
