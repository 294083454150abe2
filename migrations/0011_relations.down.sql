DROP TABLE relation_cell;
DROP TABLE relation;
