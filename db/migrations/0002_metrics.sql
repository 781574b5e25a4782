-- Metric series: (run, key, step) → value. Sized for 10,000 runs × 100,000 points per key.
-- Keys are interned (a 4-byte id instead of a repeated string); the table is hash-partitioned by run so each
-- partition and its primary-key index stay a manageable size and a per-run query touches one partition.
-- Every read is a range scan of the primary key (run_id, key_id, step): cost follows the series, not the table.

CREATE TABLE metric_keys (
  id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name  text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200)
);

CREATE TABLE metric_points (
  run_id  bigint NOT NULL,
  key_id  integer NOT NULL,
  step    bigint NOT NULL CHECK (step >= 0),
  value   double precision NOT NULL,
  PRIMARY KEY (run_id, key_id, step)
) PARTITION BY HASH (run_id);

CREATE TABLE metric_points_p0 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 0);
CREATE TABLE metric_points_p1 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 1);
CREATE TABLE metric_points_p2 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 2);
CREATE TABLE metric_points_p3 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 3);
CREATE TABLE metric_points_p4 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 4);
CREATE TABLE metric_points_p5 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 5);
CREATE TABLE metric_points_p6 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 6);
CREATE TABLE metric_points_p7 PARTITION OF metric_points FOR VALUES WITH (MODULUS 8, REMAINDER 7);

-- Which keys a run has, with their extent: lets the API list a run's series and size buckets without scanning points.
CREATE TABLE run_metric_keys (
  run_id     bigint NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key_id     integer NOT NULL REFERENCES metric_keys(id),
  min_step   bigint NOT NULL,
  max_step   bigint NOT NULL,
  PRIMARY KEY (run_id, key_id)
);

-- metric_points has no FK to runs (an FK check per point would halve ingestion); deleting a run clears its points.
CREATE FUNCTION basin_delete_run_points() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_points WHERE run_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER runs_delete_points AFTER DELETE ON runs FOR EACH ROW EXECUTE FUNCTION basin_delete_run_points();
