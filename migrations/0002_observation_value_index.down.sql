DROP INDEX IF EXISTS observation_value_idx;
