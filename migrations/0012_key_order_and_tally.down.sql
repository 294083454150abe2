DROP TRIGGER observation_tally_insert ON observation;
DROP TRIGGER observation_tally_update ON observation;
DROP TRIGGER observation_tally_delete ON observation;
DROP FUNCTION observation_tally_apply();
DROP TABLE observation_tally;
DROP FUNCTION coordinate_dimensions(text);
DROP INDEX observation_key_order_idx;
ALTER TABLE observation DROP COLUMN indicator_code, DROP COLUMN ref_area_code;
