-- totalCount of one area's observations (a country page; peerbench's Q4 is
-- one area's year, 1,357 rows at world size) counted the area's rows one by
-- one: 0.24 ms of a nested page's 0.52 ms in the database for a year, some
-- 27,000 index entries for an area's twenty years. observation_area_tally
-- counts the live observations as observation_tally (migration 0012) does,
-- by area instead of by set of dimensions, so such a count is a sum over
-- the area's groups: one a year, indicator and agency, some 222,000 groups
-- at world size. A count naming an area and coordinates is still counted
-- row by row: grouping by area and key would be a group a cell.
CREATE TABLE observation_area_tally (
    ref_area_id  integer  NOT NULL,
    period_start smallint NOT NULL,
    period_end   smallint NOT NULL,
    indicator_id integer  NOT NULL,
    restricted   boolean  NOT NULL,
    is_current   boolean  NOT NULL,
    agency_id    integer  NOT NULL,
    -- No CHECK (n >= 0), as in observation_tally.
    n            bigint   NOT NULL,
    -- With n, the sum is read from the index alone where the table's
    -- pages are all visible.
    PRIMARY KEY (ref_area_id, period_start, period_end, indicator_id, restricted, is_current, agency_id) INCLUDE (n)
);

-- In key order, as the function below adds groups: an area's year is then
-- a page or two of the table, not one for each of its 73 groups (0.06 ms
-- against 0.2 ms for a world area's year).
INSERT INTO observation_area_tally
SELECT ref_area_id, period_start, period_end, indicator_id, restricted, is_current, agency_id, count(*)
FROM observation GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7;

-- Emptied groups go; the partial index finds them without reading the rest.
CREATE INDEX observation_area_tally_empty_idx ON observation_area_tally (ref_area_id) WHERE n = 0;

-- Migration 0015's function, keeping the area tally as well. The area's
-- groups are summed from the rows themselves, the transition table read a
-- second time: the coordinate key's groups, which the other two tallies
-- sum from, have no area.
CREATE OR REPLACE FUNCTION observation_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    columns constant text := 'indicator_id, restricted, is_current, agency_id, period_start, period_end, coordinate_key';
    area_columns constant text := 'ref_area_id, period_start, period_end, indicator_id, restricted, is_current, agency_id';
    -- The rows a statement moved, counted in (1) or out (-1), of the
    -- columns %1$s names.
    moved text;
BEGIN
    moved := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT %1$s, 1 AS d FROM tally_new'
        WHEN 'DELETE' THEN 'SELECT %1$s, -1 AS d FROM tally_old'
        ELSE 'SELECT %1$s, 1 AS d FROM tally_new UNION ALL SELECT %1$s, -1 FROM tally_old'
    END;
    EXECUTE format($sql$
        WITH moved AS (
            SELECT %1$s, sum(d) AS n FROM (%2$s) rows GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d) <> 0
        ), keyed AS (
            INSERT INTO observation_key_tally AS t SELECT * FROM moved
            ON CONFLICT (%1$s) DO UPDATE SET n = t.n + EXCLUDED.n
        ), areas AS (
            INSERT INTO observation_area_tally AS t
            SELECT %3$s, sum(d) FROM (%4$s) rows GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d) <> 0
            ORDER BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT (%3$s) DO UPDATE SET n = t.n + EXCLUDED.n
        )
        INSERT INTO observation_tally AS t
        SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
               coordinate_dimensions(coordinate_key), sum(n)
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
        ON CONFLICT (indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions)
        DO UPDATE SET n = t.n + EXCLUDED.n
    $sql$, columns, format(moved, columns), area_columns, format(moved, area_columns));
    DELETE FROM observation_key_tally WHERE n = 0;
    DELETE FROM observation_area_tally WHERE n = 0;
    DELETE FROM observation_tally WHERE n = 0;
    RETURN NULL;
END $$;
