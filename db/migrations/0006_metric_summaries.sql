-- Multi-resolution summaries of metric series, so a chart's downsampling reads O(buckets) rows, not every point.
--
-- A series (run, key) is summarised at the even levels 4, 6, 8, …, top: at level L, block b covers the steps
-- [b·2^L, (b+1)·2^L − 1] and keeps what a chart bucket needs — first and last step with a point (s0, s1), min, max,
-- point count, and the value at s1 — for every block that holds at least one point. `top` is the first of these
-- levels whose block 0 holds the series' last step, so block 0 of the top level summarises the whole series. A
-- bucket at an odd level is two blocks of the level below. Levels below 4 are not stored: a bucket narrower than 16
-- steps reads its points directly, which bounds that path at 8 points per bucket. Each stored level's blocks are
-- four times the size of the level below's: 1/16 + 1/64 + … = 1/12 of a summary row per point in all, and a write
-- touches half as many levels as a power-of-two pyramid would.
--
-- min/max use PostgreSQL's float ordering (NaN above +Infinity), so the min of block minima is the min of the points,
-- NaN and infinities included. basin_ingest_metric_points writes points and summaries in one call (one
-- transaction): points after a series' old last step merge into every level at once (min of mins, max of maxes,
-- counts added, the later last: basin_merge_metric_blocks); points at or before it (which may have replaced a stored
-- value) have their blocks recomputed from the points (basin_refresh_metric_summaries). Either way the summaries stay exactly equal to an aggregate of the points, for
-- re-sent, overwritten, out-of-order and duplicate steps alike.

CREATE TABLE metric_summaries (
  run_id  bigint NOT NULL,
  key_id  integer NOT NULL,
  level   smallint NOT NULL CHECK (level BETWEEN 4 AND 62 AND level % 2 = 0),
  block   bigint NOT NULL CHECK (block >= 0),
  s0      bigint NOT NULL,
  s1      bigint NOT NULL,
  vmin    double precision NOT NULL,
  vmax    double precision NOT NULL,
  n       bigint NOT NULL CHECK (n > 0),
  last    double precision NOT NULL,
  PRIMARY KEY (run_id, key_id, level, block)
);

-- Recomputes the summaries of the blocks that hold the given (key, step) pairs of one run, at every level up to the
-- series' top: level 4 from the points, each level above from the (up to four) blocks below it; one statement per
-- level. Also fills block 0 of levels the series newly reached (the older points all lie in it). Touched blocks are
-- read as contiguous ranges, each with one index range scan (LATERAL, so the planner cannot turn it into a hash join
-- over the whole series). A touched block always holds a point (ingestion adds points; truncation first deletes
-- every block it cuts), so nothing here deletes.
CREATE FUNCTION basin_refresh_metric_summaries(p_run bigint, p_keys integer[], p_steps bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ks integer[];
  bs bigint[];
  lvl integer := 4;
BEGIN
  WITH t AS (SELECT DISTINCT k, s >> 4 AS b FROM unnest(p_keys, p_steps) AS u(k, s)),
  ins AS (
    INSERT INTO metric_summaries AS m (run_id, key_id, level, block, s0, s1, vmin, vmax, n, last)
    SELECT p_run, i.k, 4, a.b, a.s0, a.s1, a.vmin, a.vmax, a.n, a.last
    FROM (SELECT k, min(b) AS b0, max(b) AS b1
          FROM (SELECT k, b, b - row_number() OVER (PARTITION BY k ORDER BY b) AS g FROM t) x
          GROUP BY k, g) i
    CROSS JOIN LATERAL (
      SELECT p.step >> 4 AS b, min(p.step) AS s0, max(p.step) AS s1, min(p.value) AS vmin, max(p.value) AS vmax,
             count(*) AS n, (array_agg(p.value ORDER BY p.step DESC))[1] AS last
      FROM metric_points p
      WHERE p.run_id = p_run AND p.key_id = i.k AND p.step BETWEEN i.b0 << 4 AND (i.b1 << 4) + 15
      GROUP BY p.step >> 4
    ) a
    ON CONFLICT (run_id, key_id, level, block) DO UPDATE
      SET s0 = excluded.s0, s1 = excluded.s1, vmin = excluded.vmin, vmax = excluded.vmax, n = excluded.n,
          last = excluded.last
    RETURNING m.key_id, m.block
  )
  SELECT array_agg(key_id), array_agg(block) INTO ks, bs FROM ins;

  WHILE ks IS NOT NULL LOOP
    lvl := lvl + 2;
    WITH live AS (
      -- keys whose series reaches past block 0 of the level below: they need this level
      SELECT r.key_id AS k FROM run_metric_keys r
      WHERE r.run_id = p_run AND r.key_id = ANY(ks) AND (r.max_step >> (lvl - 2)) > 0
    ), t AS (
      SELECT DISTINCT u.k, u.b >> 2 AS b FROM unnest(ks, bs) AS u(k, b) JOIN live ON live.k = u.k
      UNION
      SELECT live.k, 0 FROM live
      WHERE NOT EXISTS (SELECT 1 FROM metric_summaries m
                        WHERE m.run_id = p_run AND m.key_id = live.k AND m.level = lvl AND m.block = 0)
    ), ins AS (
      INSERT INTO metric_summaries AS m (run_id, key_id, level, block, s0, s1, vmin, vmax, n, last)
      SELECT p_run, i.k, lvl, a.b, a.s0, a.s1, a.vmin, a.vmax, a.n, a.last
      FROM (SELECT k, min(b) AS b0, max(b) AS b1
            FROM (SELECT k, b, b - row_number() OVER (PARTITION BY k ORDER BY b) AS g FROM t) x
            GROUP BY k, g) i
      CROSS JOIN LATERAL (
        SELECT c.block >> 2 AS b, min(c.s0) AS s0, max(c.s1) AS s1, min(c.vmin) AS vmin, max(c.vmax) AS vmax,
               sum(c.n)::bigint AS n, (array_agg(c.last ORDER BY c.s1 DESC))[1] AS last
        FROM metric_summaries c
        WHERE c.run_id = p_run AND c.key_id = i.k AND c.level = lvl - 2
          AND c.block BETWEEN i.b0 * 4 AND i.b1 * 4 + 3
        GROUP BY c.block >> 2
      ) a
      ON CONFLICT (run_id, key_id, level, block) DO UPDATE
        SET s0 = excluded.s0, s1 = excluded.s1, vmin = excluded.vmin, vmax = excluded.vmax, n = excluded.n,
            last = excluded.last
      RETURNING m.key_id, m.block
    )
    SELECT array_agg(key_id), array_agg(block) INTO ks, bs FROM ins;
  END LOOP;
END $$;

-- Merges level-4 contributions of new steps (steps after each series' old last step, so no stored point is
-- replaced) into every level up to each series' top, in one statement: min of mins, max of maxes, counts added,
-- the later last. Block 0 of a level a series newly reached starts from the old top block, which holds all its older
-- points. p_old_keys / p_old_max: each series' last step before the batch.
CREATE FUNCTION basin_merge_metric_blocks(p_run bigint, p_old_keys integer[], p_old_max bigint[],
                                          p_k integer[], p_b bigint[], p_s0 bigint[], p_s1 bigint[],
                                          p_min float8[], p_max float8[], p_n bigint[], p_last float8[])
RETURNS void LANGUAGE sql AS $$
  WITH base AS (
    SELECT * FROM unnest(p_k, p_b, p_s0, p_s1, p_min, p_max, p_n, p_last) AS t(k, b, s0, s1, vmin, vmax, n, last)
  ), grown AS (
    -- the levels each series newly reached (its top grew with this batch)
    SELECT o.k, l.level FROM unnest(p_old_keys, p_old_max) AS o(k, mx)
    JOIN run_metric_keys r ON r.run_id = p_run AND r.key_id = o.k
    JOIN generate_series(6, 62, 2) AS l(level) ON (r.max_step >> (l.level - 2)) > 0 AND (o.mx >> (l.level - 2)) = 0
  ), contrib AS (
    SELECT base.k, l.level, base.b >> (l.level - 4) AS b, base.s0, base.s1, base.vmin, base.vmax, base.n, base.last
    FROM base
    JOIN run_metric_keys r ON r.run_id = p_run AND r.key_id = base.k
    JOIN generate_series(4, 62, 2) AS l(level) ON l.level = 4 OR (r.max_step >> (l.level - 2)) > 0
    UNION ALL
    SELECT grown.k, grown.level, 0, t.s0, t.s1, t.vmin, t.vmax, t.n, t.last
    FROM grown CROSS JOIN LATERAL (
      SELECT * FROM metric_summaries m
      WHERE m.run_id = p_run AND m.key_id = grown.k AND m.level < grown.level AND m.block = 0
      ORDER BY m.level DESC LIMIT 1
    ) t
  )
  INSERT INTO metric_summaries AS m (run_id, key_id, level, block, s0, s1, vmin, vmax, n, last)
  SELECT p_run, k, level, b, min(s0), max(s1), min(vmin), max(vmax), sum(n)::bigint,
         (array_agg(last ORDER BY s1 DESC))[1]
  FROM contrib GROUP BY k, level, b
  ON CONFLICT (run_id, key_id, level, block) DO UPDATE
    SET s0 = least(m.s0, excluded.s0), s1 = greatest(m.s1, excluded.s1),
        vmin = least(m.vmin, excluded.vmin), vmax = greatest(m.vmax, excluded.vmax), n = m.n + excluded.n,
        last = CASE WHEN excluded.s1 > m.s1 THEN excluded.last ELSE m.last END
$$;

-- Stores one run's points (keys, steps and values as parallel arrays, each (key, step) at most once) with their key
-- extents and summaries; the one write path of ingestMetrics. p_b*: the batch's level-4 blocks (key, block, first
-- and last step, min, max, count, last value), which the caller aggregates from the points it sends. With p_held_by,
-- the run must be RUNNING under that worker (its row share-locked), else nothing is written: SQLSTATE BA001.
-- Returns the points written or changed (a point sent again with the same value changes nothing).
CREATE FUNCTION basin_ingest_metric_points(p_run bigint, p_keys integer[], p_steps bigint[], p_values float8[],
                                           p_held_by text,
                                           p_bk integer[], p_bb bigint[], p_bs0 bigint[], p_bs1 bigint[],
                                           p_bmin float8[], p_bmax float8[], p_bn bigint[], p_blast float8[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  old_keys integer[];
  old_max bigint[];
  onward boolean;
  changed integer;
  ck integer[];
  cs bigint[];
  cv float8[];
  later boolean[];
BEGIN
  IF p_held_by IS NOT NULL THEN
    PERFORM 1 FROM runs WHERE id = p_run AND worker_id = p_held_by AND status = 'RUNNING' FOR SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'run % is not RUNNING under %; its metrics were not written', p_run, p_held_by
        USING ERRCODE = 'BA001';
    END IF;
  END IF;
  -- each series' last step before this batch; the batch only logs onward when every key's first step is after it
  SELECT array_agg(key_id), array_agg(max_step) INTO old_keys, old_max
  FROM run_metric_keys WHERE run_id = p_run AND key_id = ANY(p_bk);
  SELECT coalesce(bool_and(o.mx IS NULL OR b.lo > o.mx), true) INTO onward
  FROM (SELECT k, min(s0) AS lo FROM unnest(p_bk, p_bs0) AS t(k, s0) GROUP BY k) b
  LEFT JOIN unnest(old_keys, old_max) AS o(k, mx) ON o.k = b.k;

  IF onward THEN
    -- the usual case, a run logging onward: every point is new, and the caller's blocks are the batch's
    WITH pts AS (
      SELECT * FROM unnest(p_keys, p_steps, p_values) AS t(k, s, v)
    ), ext AS (
      INSERT INTO run_metric_keys AS r (run_id, key_id, min_step, max_step)
      SELECT p_run, k, min(s), max(s) FROM pts GROUP BY k
      ON CONFLICT (run_id, key_id) DO UPDATE
        SET min_step = least(r.min_step, excluded.min_step), max_step = greatest(r.max_step, excluded.max_step)
    ), ins AS (
      INSERT INTO metric_points (run_id, key_id, step, value) SELECT p_run, k, s, v FROM pts RETURNING 1
    )
    SELECT count(*) INTO changed FROM ins;
    PERFORM basin_merge_metric_blocks(p_run, old_keys, old_max, p_bk, p_bb, p_bs0, p_bs1, p_bmin, p_bmax, p_bn,
                                      p_blast);
    RETURN changed;
  END IF;

  -- a batch reaching back (a re-send, a resumed attempt, a late point): points may replace stored values
  WITH pts AS (
    SELECT * FROM unnest(p_keys, p_steps, p_values) AS t(k, s, v)
  ), ext AS (
    INSERT INTO run_metric_keys AS r (run_id, key_id, min_step, max_step)
    SELECT p_run, k, min(s), max(s) FROM pts GROUP BY k
    ON CONFLICT (run_id, key_id) DO UPDATE
      SET min_step = least(r.min_step, excluded.min_step), max_step = greatest(r.max_step, excluded.max_step)
  ), ins AS (
    INSERT INTO metric_points AS m (run_id, key_id, step, value)
    SELECT p_run, k, s, v FROM pts
    ON CONFLICT (run_id, key_id, step) DO UPDATE SET value = excluded.value
      WHERE m.value IS DISTINCT FROM excluded.value
    RETURNING m.key_id, m.step, m.value
  )
  SELECT array_agg(ins.key_id), array_agg(ins.step), array_agg(ins.value), array_agg(o.mx IS NULL OR ins.step > o.mx)
  INTO ck, cs, cv, later
  FROM ins LEFT JOIN unnest(old_keys, old_max) AS o(k, mx) ON o.k = ins.key_id;
  IF ck IS NULL THEN RETURN 0; END IF;
  -- changed points after a series' old last step merge like an onward batch ...
  PERFORM basin_merge_metric_blocks(p_run, old_keys, old_max, array_agg(k), array_agg(b), array_agg(s0),
                                    array_agg(s1), array_agg(vmin), array_agg(vmax), array_agg(n), array_agg(last))
  FROM (SELECT k, s >> 4 AS b, min(s) AS s0, max(s) AS s1, min(v) AS vmin, max(v) AS vmax, count(*) AS n,
               (array_agg(v ORDER BY s DESC))[1] AS last
        FROM unnest(ck, cs, cv, later) AS t(k, s, v, new) WHERE new GROUP BY k, s >> 4) g
  HAVING count(*) > 0;
  -- ... and those at or before it, which may have replaced a stored value, have their blocks recomputed
  IF NOT (true = ALL(later)) THEN
    PERFORM basin_refresh_metric_summaries(p_run, array_agg(k), array_agg(s))
    FROM unnest(ck, cs, later) AS t(k, s, new) WHERE NOT new;
  END IF;
  RETURN cardinality(ck);
END $$;

-- Rebuilds the key extents and every summary of the given runs from their points (level 4 grouped from the points,
-- each stored level above from the one below, up to each series' top): the backfill below, and the repair after a bulk
-- load that bypassed ingestMetrics (rebuildMetricSummaries in @basin/db).
CREATE FUNCTION basin_rebuild_metric_summaries(p_runs bigint[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE lvl integer := 4;
BEGIN
  -- the extents too, so a bulk load of points alone (COPY) becomes a complete series
  DELETE FROM run_metric_keys r WHERE r.run_id = ANY(p_runs);
  INSERT INTO run_metric_keys (run_id, key_id, min_step, max_step)
  SELECT run_id, key_id, min(step), max(step) FROM metric_points WHERE run_id = ANY(p_runs) GROUP BY run_id, key_id;
  DELETE FROM metric_summaries WHERE run_id = ANY(p_runs);
  INSERT INTO metric_summaries (run_id, key_id, level, block, s0, s1, vmin, vmax, n, last)
  SELECT p.run_id, p.key_id, 4, p.step >> 4, min(p.step), max(p.step), min(p.value), max(p.value), count(*),
         (array_agg(p.value ORDER BY p.step DESC))[1]
  FROM metric_points p
  WHERE p.run_id = ANY(p_runs)
  GROUP BY p.run_id, p.key_id, p.step >> 4;
  LOOP
    INSERT INTO metric_summaries (run_id, key_id, level, block, s0, s1, vmin, vmax, n, last)
    SELECT c.run_id, c.key_id, lvl + 2, c.block >> 2, min(c.s0), max(c.s1), min(c.vmin), max(c.vmax),
           sum(c.n)::bigint, (array_agg(c.last ORDER BY c.s1 DESC))[1]
    FROM metric_summaries c
    JOIN run_metric_keys r ON r.run_id = c.run_id AND r.key_id = c.key_id
    WHERE c.run_id = ANY(p_runs) AND c.level = lvl AND (r.max_step >> lvl) > 0
    GROUP BY c.run_id, c.key_id, c.block >> 2;
    EXIT WHEN NOT FOUND;
    lvl := lvl + 2;
  END LOOP;
END $$;

-- Backfill every existing series.
SELECT basin_rebuild_metric_summaries(coalesce((SELECT array_agg(DISTINCT run_id) FROM run_metric_keys), '{}'));

-- Deleting a run clears its summaries with its points.
CREATE OR REPLACE FUNCTION basin_delete_run_points() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM metric_points WHERE run_id = OLD.id;
  DELETE FROM metric_summaries WHERE run_id = OLD.id;
  RETURN OLD;
END $$;
