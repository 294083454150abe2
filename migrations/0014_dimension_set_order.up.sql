-- A page of one indicator's cells broken down by exactly a set of
-- dimensions (exactlyBy: [SEX], a chart's "victims by sex"): the key order's
-- index read the indicator's rows in key order and tested each key against
-- a pattern, some 23,000 pages of it for the first 100 rows by sex at world
-- size (45 ms; by age, 19 ms), as cells by sex alone are a few among each
-- area's year. This index puts the dimension set (the function the tally
-- groups by, migration 0012) after the indicator, so the store's equality on
-- it reads the page in key order up to its LIMIT (1 ms and 0.5 ms).
CREATE INDEX observation_dimensions_order_idx
    ON observation (indicator_code, coordinate_dimensions(coordinate_key), ref_area_code, period_start, period_end, coordinate_key, id);
