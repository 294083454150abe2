DROP FUNCTION observation_current_as_of(bigint);
DROP FUNCTION observation_current_in_cell(bigint, integer, integer, smallint, smallint, text);
DROP FUNCTION observation_touched_after(bigint);
DROP FUNCTION observation_live(bigint);
DROP VIEW observation_all;
-- refresh_current_cells as migration 0003 wrote it, before cell_precedence.
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
             o.status = 'reported' DESC, r.reference_year DESC, r.code DESC;
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
DROP FUNCTION cell_precedence(text, smallint, text);
DROP TYPE cell_precedence;
DROP VIEW observation_also_stated_all;
DROP VIEW observation_coordinate_all;
DROP TABLE observation_history_also_stated;
DROP TABLE observation_history_coordinate;
DROP TABLE observation_history;
DROP INDEX observation_revision_idx;
ALTER TABLE observation DROP COLUMN revision_id;
DROP TABLE revision;
