-- Labels in languages other than English, as the data file writes them
-- (the code list tables hold the English text, which every other language
-- falls back to). One row per entity, field and language: the code lists
-- are read whole into the process, so the read path costs one statement.
CREATE TABLE label (
    kind      text NOT NULL CHECK (kind IN ('unit', 'ref_area', 'agency', 'dimension', 'member', 'indicator')),
    -- The member's dimension; '' for every other kind.
    dimension text NOT NULL DEFAULT '',
    code      text NOT NULL,
    field     text NOT NULL CHECK (field IN ('name', 'short_name', 'description')),
    -- A canonical BCP 47 tag (the loader checks it with golang.org/x/text).
    lang      text NOT NULL CHECK (lang ~ '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$' AND lang <> 'en'),
    text      text NOT NULL CHECK (text <> ''),
    PRIMARY KEY (kind, dimension, code, field, lang)
);
