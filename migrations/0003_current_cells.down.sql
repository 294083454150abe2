DROP FUNCTION refresh_current_cells();
DROP INDEX observation_current_series_idx;
DROP INDEX observation_current_cell_idx;
ALTER TABLE observation DROP COLUMN is_current;
