DROP TABLE api_key;
DROP FUNCTION observation_current_as_of(bigint);
DROP FUNCTION observation_current_in_cell(bigint, integer, integer, smallint, smallint, text);
DROP FUNCTION observation_live(bigint);
DROP VIEW observation_all;
-- As migration 0005 defined them.
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

ALTER TABLE observation_history DROP COLUMN restricted;
ALTER TABLE observation DROP COLUMN restricted;
ALTER TABLE indicator DROP COLUMN restricted;
