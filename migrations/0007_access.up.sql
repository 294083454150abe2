-- Access tiers (issue 11, item 4).
--
-- A data file may mark an indicator or an observation `restricted: true`:
-- such cells are read only by partners presenting an API key. The flag of an
-- observation already includes its indicator's (the load writes both), so
-- every read filters on the observation's own column; history keeps it, so
-- an earlier revision is hidden as it was.
ALTER TABLE indicator ADD COLUMN restricted boolean NOT NULL DEFAULT false;
ALTER TABLE observation ADD COLUMN restricted boolean NOT NULL DEFAULT false;
ALTER TABLE observation_history ADD COLUMN restricted boolean NOT NULL DEFAULT false;

-- The readers of every row and of earlier revisions (migration 0005) carry
-- the flag too: the same definitions, with restricted after revision_id.
CREATE OR REPLACE VIEW observation_all AS
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id, NULL::bigint AS replaced_in, restricted
    FROM observation
    UNION ALL
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id, replaced_in, restricted
    FROM observation_history;

DROP FUNCTION observation_current_as_of(bigint);
DROP FUNCTION observation_current_in_cell(bigint, integer, integer, smallint, smallint, text);
DROP FUNCTION observation_live(bigint);
CREATE FUNCTION observation_live(rev bigint) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint, restricted boolean
) LANGUAGE sql STABLE AS $$
    SELECT id, release_id, indicator_id, ref_area_id, period_start, period_end, value, unit_id,
           qualifier, status, derived_from_id, change, agency_id, source_section, source_quote,
           note, coordinate_key, source_line, revision_id, restricted
    FROM observation_all WHERE revision_id <= rev AND (replaced_in IS NULL OR replaced_in > rev)
$$;

CREATE FUNCTION observation_current_in_cell(rev bigint, cell_indicator integer, cell_area integer,
    cell_start smallint, cell_end smallint, cell_key text) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint, restricted boolean
) LANGUAGE sql STABLE AS $$
    SELECT l.id, l.release_id, l.indicator_id, l.ref_area_id, l.period_start, l.period_end, l.value,
           l.unit_id, l.qualifier, l.status, l.derived_from_id, l.change, l.agency_id, l.source_section,
           l.source_quote, l.note, l.coordinate_key, l.source_line, l.revision_id, l.restricted
    FROM observation_live(rev) l
    JOIN revision v ON v.id = l.revision_id
    JOIN release r ON r.id = l.release_id
    WHERE l.indicator_id = cell_indicator AND l.ref_area_id = cell_area
      AND l.period_start = cell_start AND l.period_end = cell_end AND l.coordinate_key = cell_key
    ORDER BY cell_precedence(l.status, v.reference_year, r.code) DESC
    LIMIT 1
$$;

CREATE FUNCTION observation_current_as_of(rev bigint) RETURNS TABLE (
    id bigint, release_id integer, indicator_id integer, ref_area_id integer,
    period_start smallint, period_end smallint, value numeric, unit_id integer,
    qualifier text, status text, derived_from_id bigint, change numeric, agency_id integer,
    source_section text, source_quote text, note text, coordinate_key text, source_line integer,
    revision_id bigint, restricted boolean,
    is_current boolean
) LANGUAGE sql STABLE AS $$
    SELECT o.id, o.release_id, o.indicator_id, o.ref_area_id, o.period_start, o.period_end, o.value,
           o.unit_id, o.qualifier, o.status, o.derived_from_id, o.change, o.agency_id, o.source_section,
           o.source_quote, o.note, o.coordinate_key, o.source_line, o.revision_id, o.restricted, true
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

-- Partners' API keys. The secret is shown once, at creation; only its
-- SHA-256 is kept, and a presented key is found by the hash through the
-- unique index (a lookup by hash leaks nothing about the secret's prefix).
-- prefix is the secret's first characters, so an operator can tell keys
-- apart in `indicators keys list`.
CREATE TABLE api_key (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label        text NOT NULL CHECK (label <> ''),
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
