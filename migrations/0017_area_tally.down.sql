-- Back to migration 0015's function, which keeps the other two tallies.
CREATE OR REPLACE FUNCTION observation_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    columns constant text := 'indicator_id, restricted, is_current, agency_id, period_start, period_end, coordinate_key';
    moved text;
BEGIN
    moved := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %s, 1 AS d FROM tally_new', columns)
        WHEN 'DELETE' THEN format('SELECT %s, -1 AS d FROM tally_old', columns)
        ELSE format('SELECT %1$s, 1 AS d FROM tally_new UNION ALL SELECT %1$s, -1 FROM tally_old', columns)
    END;
    EXECUTE format($sql$
        WITH moved AS (
            SELECT %1$s, sum(d) AS n FROM (%2$s) rows GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d) <> 0
        ), keyed AS (
            INSERT INTO observation_key_tally AS t SELECT * FROM moved
            ON CONFLICT (%1$s) DO UPDATE SET n = t.n + EXCLUDED.n
        )
        INSERT INTO observation_tally AS t
        SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
               coordinate_dimensions(coordinate_key), sum(n)
        FROM moved GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0
        ON CONFLICT (indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions)
        DO UPDATE SET n = t.n + EXCLUDED.n
    $sql$, columns, moved);
    DELETE FROM observation_key_tally WHERE n = 0;
    DELETE FROM observation_tally WHERE n = 0;
    RETURN NULL;
END $$;

DROP TABLE observation_area_tally;
