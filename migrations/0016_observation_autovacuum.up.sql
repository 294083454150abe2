-- Replacing a release beside a world-sized table leaves its old rows dead
-- until a vacuum: three replaces of a 108,560-observation release beside
-- the 5 million of the world left 217,203, and the breakdown's database
-- time was 1.2 ms a request against 0.95 ms after VACUUM (ANALYZE). At PostgreSQL's
-- default scale factor (0.2) autovacuum waits for a million dead rows in
-- a table this size. One percent (some 50,000 at world size) starts it
-- after a replace of any size worth noticing, in the background, after the
-- load has committed.
ALTER TABLE observation SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE observation_coordinate SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01);
