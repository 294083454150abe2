DROP INDEX observation_indicator_period_idx;
CREATE INDEX observation_indicator_period_idx ON observation (indicator_id, period_start, ref_area_id);

-- Migration 0005's definition.
CREATE OR REPLACE FUNCTION refresh_current_cells() RETURNS void LANGUAGE plpgsql AS $$
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
             cell_precedence(o.status, r.reference_year, r.code) DESC;
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
