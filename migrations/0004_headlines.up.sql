-- Headline values and most-recent reads.
--
-- An edition of the report that states no total of an indicator may declare
-- the breakdown cell it leads with (the data file's `headline`), as the
-- canonical coordinate key of observation.coordinate_key. The declaration
-- belongs to the release that makes it, so a later edition saying nothing
-- does not withdraw it, and a corrected file replaces it with the release.
CREATE TABLE indicator_headline (
    release_id     integer NOT NULL REFERENCES release (id) ON DELETE CASCADE,
    indicator_id   integer NOT NULL REFERENCES indicator (id),
    coordinate_key text NOT NULL CHECK (coordinate_key <> ''),
    PRIMARY KEY (release_id, indicator_id)
);
CREATE INDEX indicator_headline_indicator_idx ON indicator_headline (indicator_id, coordinate_key);

-- The series index, most recent period first: latest values, a filter's
-- lastN (a window over each series) and a series read each series in this
-- order, so none of them sorts. Of two periods ending the same year the
-- shorter comes first (2024 before 2005-2024).
DROP INDEX observation_current_series_idx;
CREATE INDEX observation_current_series_idx
    ON observation (indicator_id, ref_area_id, coordinate_key, period_end DESC, period_start DESC)
    WHERE is_current;
