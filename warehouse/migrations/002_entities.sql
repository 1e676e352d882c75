-- 002_entities: resolved entities with places on the map, aliases, per-mention rows and quotes.

ALTER TABLE entities ADD COLUMN IF NOT EXISTS country_code VARCHAR;  -- ISO 3166-1 alpha-2, places only
ALTER TABLE entities ADD COLUMN IF NOT EXISTS latitude DOUBLE;       -- places the gazetteer locates
ALTER TABLE entities ADD COLUMN IF NOT EXISTS longitude DOUBLE;

CREATE TABLE IF NOT EXISTS entity_aliases (
    alias     VARCHAR,  -- a spelling used for the entity in some article ("Putin")
    entity_id VARCHAR   -- the entity it stands for ("Vladimir Putin")
);

CREATE TABLE IF NOT EXISTS entity_mentions (
    article_id   VARCHAR,
    entity_id    VARCHAR,
    start_offset INTEGER,  -- character offsets into articles.text
    end_offset   INTEGER,
    surface      VARCHAR,  -- the text as written
    model        VARCHAR   -- NER model name and version
);

CREATE TABLE IF NOT EXISTS quotes (
    article_id        VARCHAR,
    speaker_entity_id VARCHAR,  -- entities.entity_id of the speaker
    quote             VARCHAR,  -- the quoted words, without quotation marks
    start_offset      INTEGER,  -- character offset of the quoted words in articles.text
    end_offset        INTEGER,
    verb              VARCHAR,  -- the attribution: said, says, added, according to, ...
    model             VARCHAR
);

ALTER TABLE runs ADD COLUMN IF NOT EXISTS quotes_loaded INTEGER;  -- quotes with a named speaker
