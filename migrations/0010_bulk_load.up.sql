-- Loads at world size (issue 12, item 2): what a load does after its rows are
-- in must cost what its release touches, whatever the size of the table.
--
-- The observation table is not partitioned by release: a partitioned table's
-- unique indexes must include the partition key, and one current observation
-- per cell, across releases, is the unique index every current read goes
-- through (observation_current_cell_idx, migration 0003). Instead each step
-- of a load or a replace reaches the rows of its release (the unique key,
-- release first) and of the cells they fill (the index below) by index.

-- Every row of a cell, whichever release: what refresh_current_cells
-- compares. The index of indicator, period and area (migration 0001) gets
-- the rest of the cell's columns, so it still serves the readers it served
-- (the same leading columns) and finds a cell exactly; with a second index
-- over the cell the planner kept the narrower one, which reads every
-- breakdown of the area and year (2,000 rows per cell at world size).
DROP INDEX observation_indicator_period_idx;
CREATE INDEX observation_indicator_period_idx
    ON observation (indicator_id, period_start, ref_area_id, period_end, coordinate_key);

-- The same decision as migration 0005's (cell_precedence over the rows of
-- each affected cell), made set-based: the cells and the winners are
-- analysed before they are joined, the winners remember whether they are
-- current already, and rows are cleared by an anti-join instead of NOT IN,
-- which PostgreSQL runs row by row against a list too large for work_mem
-- (a million-row load took minutes there).
CREATE OR REPLACE FUNCTION refresh_current_cells() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE current_cell AS SELECT DISTINCT * FROM affected_cell;
    ANALYZE current_cell;
    CREATE TEMP TABLE current_winner AS
    SELECT DISTINCT ON (o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.coordinate_key)
           o.id, o.is_current
    FROM observation o
    JOIN release r ON r.id = o.release_id
    JOIN current_cell c
      ON c.indicator_id = o.indicator_id AND c.ref_area_id = o.ref_area_id
     AND c.period_start = o.period_start AND c.period_end = o.period_end
     AND c.coordinate_key = o.coordinate_key
    ORDER BY o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.coordinate_key,
             cell_precedence(o.status, r.reference_year, r.code) DESC;
    ALTER TABLE current_winner ADD PRIMARY KEY (id);
    ANALYZE current_winner;
    -- Clear before set: the unique index is checked row by row.
    UPDATE observation o SET is_current = false
    FROM current_cell c
    WHERE o.is_current
      AND c.indicator_id = o.indicator_id AND c.ref_area_id = o.ref_area_id
      AND c.period_start = o.period_start AND c.period_end = o.period_end
      AND c.coordinate_key = o.coordinate_key
      AND NOT EXISTS (SELECT 1 FROM current_winner w WHERE w.id = o.id);
    UPDATE observation o SET is_current = true
    FROM current_winner w
    WHERE o.id = w.id AND NOT w.is_current;
    DROP TABLE current_winner, current_cell;
END
$$;
