-- Back to migration 0012's function, which keeps observation_tally alone.
CREATE OR REPLACE FUNCTION observation_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO observation_tally AS t
        SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
               coordinate_dimensions(coordinate_key), count(*)
        FROM tally_new GROUP BY 1, 2, 3, 4, 5, 6, 7
        ON CONFLICT (indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions)
        DO UPDATE SET n = t.n + EXCLUDED.n;
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE observation_tally t SET n = t.n - d.n
        FROM (SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
                     coordinate_dimensions(coordinate_key) AS dimensions, count(*) AS n
              FROM tally_old GROUP BY 1, 2, 3, 4, 5, 6, 7) d
        WHERE (t.indicator_id, t.restricted, t.is_current, t.agency_id, t.period_start, t.period_end, t.dimensions)
            = (d.indicator_id, d.restricted, d.is_current, d.agency_id, d.period_start, d.period_end, d.dimensions);
    ELSE
        INSERT INTO observation_tally AS t
        SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions, sum(d)
        FROM (SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
                     coordinate_dimensions(coordinate_key) AS dimensions, 1 AS d FROM tally_new
              UNION ALL
              SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
                     coordinate_dimensions(coordinate_key), -1 FROM tally_old) moved
        GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(d) <> 0
        ON CONFLICT (indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions)
        DO UPDATE SET n = t.n + EXCLUDED.n;
    END IF;
    DELETE FROM observation_tally WHERE n = 0;
    RETURN NULL;
END $$;

DROP TABLE observation_key_tally;
