DROP INDEX observation_current_series_idx;
CREATE INDEX observation_current_series_idx
    ON observation (indicator_id, ref_area_id, coordinate_key, period_start)
    WHERE is_current;
DROP TABLE indicator_headline;
