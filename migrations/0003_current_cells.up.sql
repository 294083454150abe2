-- Current cells. Releases overlap (next year's report restates this year's
-- figures, and its "161 (+2)" derives a value this year's report states), so
-- a cell (indicator, area, period, coordinates) may hold several
-- observations. Exactly one of them is current: every reader that has no
-- release of its own in mind (series, breakdowns, aggregates, exports,
-- coverage) reads that one. The load transaction keeps the flag, through the
-- function below, so a read never re-decides it.
ALTER TABLE observation ADD COLUMN is_current boolean NOT NULL DEFAULT false;

-- One current observation per cell, enforced; and the index every
-- current-cell read goes through (one cell, a breakdown of one period).
CREATE UNIQUE INDEX observation_current_cell_idx
    ON observation (indicator_id, ref_area_id, period_start, period_end, coordinate_key)
    WHERE is_current;
-- A series reads one cell across periods.
CREATE INDEX observation_current_series_idx
    ON observation (indicator_id, ref_area_id, coordinate_key, period_start)
    WHERE is_current;

-- refresh_current_cells re-decides the cells listed in the caller's
-- temporary table affected_cell (indicator_id, ref_area_id, period_start,
-- period_end, coordinate_key), so a load costs what its release touches, not
-- the whole table. The precedence rule, written here and nowhere else: a
-- reported figure over a derived one, then the newer release (reference year,
-- then release code).
CREATE FUNCTION refresh_current_cells() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE current_winner AS
    SELECT DISTINCT ON (o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.coordinate_key) o.id
    FROM observation o
    JOIN release r ON r.id = o.release_id
    JOIN (SELECT DISTINCT * FROM affected_cell) c
      ON c.indicator_id = o.indicator_id AND c.ref_area_id = o.ref_area_id
     AND c.period_start = o.period_start AND c.period_end = o.period_end
     AND c.coordinate_key = o.coordinate_key
    ORDER BY o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.coordinate_key,
             o.status = 'reported' DESC, r.reference_year DESC, r.code DESC;
    -- Clear before set: the unique index is checked row by row.
    UPDATE observation o SET is_current = false
    FROM affected_cell c
    WHERE o.is_current
      AND c.indicator_id = o.indicator_id AND c.ref_area_id = o.ref_area_id
      AND c.period_start = o.period_start AND c.period_end = o.period_end
      AND c.coordinate_key = o.coordinate_key
      AND o.id NOT IN (SELECT id FROM current_winner);
    UPDATE observation o SET is_current = true
    FROM current_winner w
    WHERE o.id = w.id AND NOT o.is_current;
    DROP TABLE current_winner;
END
$$;

-- Rows loaded before this migration: every cell is affected.
CREATE TEMP TABLE affected_cell AS
SELECT DISTINCT indicator_id, ref_area_id, period_start, period_end, coordinate_key FROM observation;
SELECT refresh_current_cells();
DROP TABLE affected_cell;
