DROP INDEX observation_area_period_idx;
CREATE INDEX observation_area_period_idx ON observation (ref_area_id, period_start);
