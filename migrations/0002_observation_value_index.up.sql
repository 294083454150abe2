-- "Largest first" pages (orderBy: VALUE_DESC) read the top of this index
-- instead of sorting every observation.
CREATE INDEX observation_value_idx ON observation (value DESC, id DESC);
