-- A page of one area's observations of a period (a frontend's country page,
-- peerbench's Q4: the first 100 of one country's year, in the key order) and
-- its count (issue 12, item 3). The index of migration 0001 named the area
-- and the start year alone: the page read every row of the area's year
-- (some 1,350 at world size, each from the heap), sorted them by the key
-- order and kept 100 (8 ms), and the count read them again from the heap (4
-- ms). The same index now goes on with the period's end and the key order's
-- remaining columns, and carries the tier: with the area and the period
-- fixed (the store names a single area by its code too, and a period given
-- as from-to of one year as that year), the index is the key order, a page
-- is read up to its LIMIT, and a count reads the index alone. Its leading
-- columns are the old ones, so every reader of the old index still has it.
DROP INDEX observation_area_period_idx;
CREATE INDEX observation_area_period_idx
    ON observation (ref_area_id, period_start, period_end, indicator_code, coordinate_key, id)
    INCLUDE (restricted);
