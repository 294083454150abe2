-- World-scale reads (issue 12, item 3): a page in the key order read from an
-- index, counts and facets that do not read millions of rows.

-- The key order (indicator code, area code, period, coordinates) is by
-- codes, which live in the code tables: no index over observation could
-- give it, so a page of one indicator sorted every row of it (7.6 s for the
-- 4.4M rows of the largest synthetic indicator). Each observation now
-- carries its indicator's and area's codes, written by the load (codes
-- never change: they are what a data file names), of the code columns' own
-- type and collation, so they sort exactly as the codes do, and the index
-- below is the key order. A page is a range of it read up to its LIMIT, and
-- a keyset cursor a point to start from.
ALTER TABLE observation ADD COLUMN indicator_code text, ADD COLUMN ref_area_code text;
UPDATE observation o SET indicator_code = i.code, ref_area_code = a.code
FROM indicator i, ref_area a WHERE i.id = o.indicator_id AND a.id = o.ref_area_id;
ALTER TABLE observation ALTER COLUMN indicator_code SET NOT NULL, ALTER COLUMN ref_area_code SET NOT NULL;
CREATE INDEX observation_key_order_idx
    ON observation (indicator_code, ref_area_code, period_start, period_end, coordinate_key, id);

-- observation_tally counts the live observations by what counts and facets
-- ask for: indicator, tier (restricted), current or not, agency, period and
-- the set of dimensions (the coordinate key's dimension codes, 'AGE;SEX';
-- '' for totals). totalCount of a filter that names no more than those
-- (every observation, an indicator's, a theme's; current or all) is a sum
-- over it, and an indicator's agencies, periods and dimensions (exports'
-- facets) are its groups. The triggers below keep it in the statement that
-- writes the rows, so it is exact in every transaction that reads it, and a
-- snapshot sees it as it sees the rows: a load's counts commit with the load.
CREATE TABLE observation_tally (
    indicator_id integer  NOT NULL,
    restricted   boolean  NOT NULL,
    is_current   boolean  NOT NULL,
    agency_id    integer  NOT NULL,
    period_start smallint NOT NULL,
    period_end   smallint NOT NULL,
    dimensions   text     NOT NULL,
    -- No CHECK (n >= 0): an upsert checks the row it proposes, a negative
    -- delta, before it finds the group it adds to.
    n            bigint   NOT NULL,
    PRIMARY KEY (indicator_id, restricted, is_current, agency_id, period_start, period_end, dimensions)
);

-- The dimension codes of a coordinate key ("AGE=Y18T24;SEX=F" → "AGE;SEX").
CREATE FUNCTION coordinate_dimensions(coordinate_key text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(coordinate_key, '=[^;]*', '', 'g');

INSERT INTO observation_tally
SELECT indicator_id, restricted, is_current, agency_id, period_start, period_end,
       coordinate_dimensions(coordinate_key), count(*)
FROM observation GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Emptied groups go; the partial index finds them without reading the rest.
CREATE INDEX observation_tally_empty_idx ON observation_tally (indicator_id) WHERE n = 0;

-- One function for the three statement triggers: the rows a statement
-- wrote are counted in and the rows it replaced or removed counted out, per
-- group, in one statement each; groups left empty go. (No temporary table:
-- a cascade's own DELETE fires these triggers while another may be running.)
CREATE FUNCTION observation_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER observation_tally_insert AFTER INSERT ON observation
    REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION observation_tally_apply();
CREATE TRIGGER observation_tally_update AFTER UPDATE ON observation
    REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION observation_tally_apply();
CREATE TRIGGER observation_tally_delete AFTER DELETE ON observation
    REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION observation_tally_apply();
