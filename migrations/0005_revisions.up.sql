-- Revisions: the dataset's history, for clients that poll for changes and
-- for reading the dataset as it stood at an earlier load (vintages, as
-- SDMX's asOf and ALFRED have them). Every load that changes a release is a
-- revision, numbered 1, 2, 3, ... without gaps (the loader takes the next
-- number under its lock); a load that changes nothing makes none.
CREATE TABLE revision (
    id         bigint PRIMARY KEY CHECK (id > 0),
    -- When the load took its lock: later revisions have later times.
    loaded_at  timestamptz NOT NULL,
    release_id integer NOT NULL REFERENCES release (id) ON DELETE CASCADE,
    action     text NOT NULL CHECK (action IN ('loaded', 'replaced')),
    -- The checksum of the file this revision loaded.
    checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    -- The release's reference year as this revision loaded it: what its
    -- rows' precedence was while they were live (a corrected file that
    -- changes the year rewrites every row of the release).
    reference_year smallint NOT NULL
);
CREATE INDEX revision_loaded_at_idx ON revision (loaded_at);
CREATE INDEX revision_release_idx ON revision (release_id, id);

-- Releases loaded before this migration: one revision each, in load order.
INSERT INTO revision (id, loaded_at, release_id, action, checksum, reference_year)
SELECT row_number() OVER (ORDER BY loaded_at, id), loaded_at, id, 'loaded', checksum, reference_year FROM release;

-- The revision that last changed each observation: a replace keeps the rows
-- a corrected file states unchanged, with their revision.
ALTER TABLE observation ADD COLUMN revision_id bigint;
UPDATE observation o SET revision_id = v.id FROM revision v WHERE v.release_id = o.release_id;
ALTER TABLE observation ALTER COLUMN revision_id SET NOT NULL,
    ADD CONSTRAINT observation_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES revision (id);
-- updatedAfter and the change feed read the rows of recent revisions.
CREATE INDEX observation_revision_idx ON observation (revision_id);

-- Rows a replace removed or changed, as they were, with the revisions they
-- were live in: [revision_id, replaced_in). The hot observation table keeps
-- only live rows, so no current read pays for the history.
CREATE TABLE observation_history (
    id              bigint PRIMARY KEY,
    release_id      integer NOT NULL REFERENCES release (id) ON DELETE CASCADE,
    indicator_id    integer NOT NULL REFERENCES indicator (id),
    ref_area_id     integer NOT NULL REFERENCES ref_area (id),
    period_start    smallint NOT NULL,
    period_end      smallint NOT NULL,
    value           numeric NOT NULL,
    unit_id         integer NOT NULL REFERENCES unit (id),
    qualifier       text NOT NULL,
    status          text NOT NULL,
    -- No foreign key: the row it points at may be live or history.
    derived_from_id bigint,
    change          numeric,
    agency_id       integer NOT NULL REFERENCES agency (id),
    source_section  text NOT NULL,
    source_quote    text NOT NULL,
    note            text NOT NULL,
    coordinate_key  text NOT NULL,
    source_line     integer,
    revision_id     bigint NOT NULL REFERENCES revision (id),
    replaced_in     bigint NOT NULL REFERENCES revision (id),
    CHECK (revision_id < replaced_in)
);
CREATE INDEX observation_history_replaced_idx ON observation_history (replaced_in);
CREATE INDEX observation_history_cell_idx
    ON observation_history (indicator_id, ref_area_id, period_start, period_end, coordinate_key);

CREATE TABLE observation_history_coordinate (
    observation_id bigint NOT NULL REFERENCES observation_history (id) ON DELETE CASCADE,
    dimension_id   integer NOT NULL,
    member_id      integer NOT NULL,
    PRIMARY KEY (observation_id, dimension_id),
    FOREIGN KEY (dimension_id, member_id) REFERENCES dimension_member (dimension_id, id)
);

CREATE TABLE observation_history_also_stated (
    observation_id bigint NOT NULL REFERENCES observation_history (id) ON DELETE CASCADE,
    ordinal        smallint NOT NULL,
    source_section text NOT NULL,
    source_quote   text NOT NULL,
    PRIMARY KEY (observation_id, ordinal)
);

-- Coordinates and other sources of every row, live or history: what a read
-- of an earlier revision filters and shows.
CREATE VIEW observation_coordinate_all AS
    SELECT observation_id, dimension_id, member_id FROM observation_coordinate
    UNION ALL
    SELECT observation_id, dimension_id, member_id FROM observation_history_coordinate;
CREATE VIEW observation_also_stated_all AS
    SELECT observation_id, ordinal, source_section, source_quote FROM observation_also_stated
    UNION ALL
    SELECT observation_id, ordinal, source_section, source_quote FROM observation_history_also_stated;

-- The precedence of the observations of one cell, written once: the
-- greatest is current. A reported figure over a derived one, then the newer
-- release (reference year, then release code). refresh_current_cells
-- decides the live cells with it, observation_current_in_cell an earlier
-- revision's.
CREATE TYPE cell_precedence AS (reported boolean, reference_year smallint, release_code text);
CREATE FUNCTION cell_precedence(status text, reference_year smallint, release_code text)
    RETURNS cell_precedence LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ROW(status = 'reported', reference_year, release_code)::cell_precedence $$;

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

-- Every row, live (replaced_in NULL) or history: what a change or an
-- earlier revision's observation is read from by id.
CREATE VIEW observation_all AS
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id, NULL::bigint AS replaced_in
    FROM observation
    UNION ALL
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id, replaced_in
    FROM observation_history;

-- The rows live at revision rev: those it or an earlier revision wrote and
-- no revision up to it replaced. Plain SQL, so the planner inlines it and
-- pushes a caller's conditions into both tables.
CREATE FUNCTION observation_live(rev bigint) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint
) LANGUAGE sql STABLE AS $$
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id
    FROM observation_all WHERE revision_id <= rev AND (replaced_in IS NULL OR replaced_in > rev)
$$;

-- The cells revisions after rev touched, once per row they wrote or
-- replaced, with that revision: what changed since rev.
CREATE FUNCTION observation_touched_after(rev bigint) RETURNS TABLE (
    indicator_id integer, ref_area_id integer, period_start smallint, period_end smallint,
    coordinate_key text, revision bigint
) LANGUAGE sql STABLE AS $$
    SELECT indicator_id, ref_area_id, period_start, period_end, coordinate_key, revision_id
    FROM observation WHERE revision_id > rev
    UNION ALL
    SELECT indicator_id, ref_area_id, period_start, period_end, coordinate_key, replaced_in
    FROM observation_history WHERE replaced_in > rev
$$;

-- The observation of one cell that was current at revision rev, if any:
-- the greatest by cell_precedence among the rows live then, each with the
-- reference year its revision wrote it with (a corrected file that changes
-- a release's year rewrites all its rows). Called per cell (LATERAL), it
-- reads the cell through its indexes.
CREATE FUNCTION observation_current_in_cell(rev bigint, cell_indicator integer, cell_area integer,
    cell_start smallint, cell_end smallint, cell_key text) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint
) LANGUAGE sql STABLE AS $$
    SELECT l.id, l.release_id, l.indicator_id, l.ref_area_id, l.period_start, l.period_end, l.value,
           l.unit_id, l.qualifier, l.status, l.derived_from_id, l.change, l.agency_id, l.source_section,
           l.source_quote, l.note, l.coordinate_key, l.source_line, l.revision_id
    FROM observation_live(rev) l
    JOIN revision v ON v.id = l.revision_id
    JOIN release r ON r.id = l.release_id
    WHERE l.indicator_id = cell_indicator AND l.ref_area_id = cell_area
      AND l.period_start = cell_start AND l.period_end = cell_end AND l.coordinate_key = cell_key
    ORDER BY cell_precedence(l.status, v.reference_year, r.code) DESC
    LIMIT 1
$$;

-- The observations current at revision rev: in a cell no later revision
-- touched, the one current now (its rows, and so their precedence, are
-- what they were); in a touched cell, the one that was current then.
-- is_current is there for the readers' filters, which ask for it.
CREATE FUNCTION observation_current_as_of(rev bigint) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint,
    is_current boolean
) LANGUAGE sql STABLE AS $$
    SELECT o.id, o.release_id, o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.value,
           o.unit_id, o.qualifier, o.status, o.derived_from_id, o.change, o.agency_id, o.source_section,
           o.source_quote, o.note, o.coordinate_key, o.source_line, o.revision_id, true
    FROM observation o
    WHERE o.is_current AND NOT EXISTS (
        SELECT 1 FROM observation_touched_after(rev) t
        WHERE t.indicator_id = o.indicator_id AND t.ref_area_id = o.ref_area_id AND t.period_start = o.period_start
          AND t.period_end = o.period_end AND t.coordinate_key = o.coordinate_key)
    UNION ALL
    SELECT w.*, true
    FROM (SELECT DISTINCT indicator_id, ref_area_id, period_start, period_end, coordinate_key
          FROM observation_touched_after(rev)) c
    CROSS JOIN LATERAL observation_current_in_cell(rev, c.indicator_id, c.ref_area_id, c.period_start,
                                                   c.period_end, c.coordinate_key) w
$$;
