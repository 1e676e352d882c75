-- 001_core: the core tables of the newslake warehouse.
-- Every column is described in README.md ("Table contract").

CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR,      -- sha256 of the raw bytes, hex
    source_uri    VARCHAR,      -- where the bytes were first found (file:// or http(s)://)
    discovered_at TIMESTAMPTZ,  -- when they were first found
    kind          VARCHAR,      -- html | escaped_html | text | unsupported
    encoding      VARCHAR,      -- the text encoding used to decode the bytes
    byte_size     BIGINT,       -- size of the raw bytes
    content       BLOB,         -- the raw bytes; NULL only when refused as too large
    run_id        VARCHAR       -- the run that first stored them
);

CREATE TABLE IF NOT EXISTS document_sources (
    source_uri VARCHAR,         -- a place the document was found at
    doc_id     VARCHAR,         -- the document found there
    seen_at    TIMESTAMPTZ,     -- when this content was last found there; latest row = current content
    run_id     VARCHAR
);

CREATE TABLE IF NOT EXISTS articles (
    article_id        VARCHAR,  -- stable id: from the canonical URL, else the first source
    doc_id            VARCHAR,
    source_uri        VARCHAR,
    url               VARCHAR,
    canonical_url     VARCHAR,
    title             VARCHAR,
    site_name         VARCHAR,
    authors           VARCHAR[],
    published_at      TIMESTAMPTZ,
    language          VARCHAR,
    description       VARCHAR,
    text              VARCHAR,
    word_count        INTEGER,
    headings          VARCHAR[],
    categories        VARCHAR[],
    tags              VARCHAR[],
    image_url         VARCHAR,
    extracted_at      TIMESTAMPTZ,
    extractor_version VARCHAR,
    run_id            VARCHAR
);

-- Earlier versions of updated articles, as they were before the update.
CREATE TABLE IF NOT EXISTS article_versions (
    article_id        VARCHAR,
    doc_id            VARCHAR,
    source_uri        VARCHAR,
    url               VARCHAR,
    canonical_url     VARCHAR,
    title             VARCHAR,
    site_name         VARCHAR,
    authors           VARCHAR[],
    published_at      TIMESTAMPTZ,
    language          VARCHAR,
    description       VARCHAR,
    text              VARCHAR,
    word_count        INTEGER,
    headings          VARCHAR[],
    categories        VARCHAR[],
    tags              VARCHAR[],
    image_url         VARCHAR,
    extracted_at      TIMESTAMPTZ,
    extractor_version VARCHAR,
    run_id            VARCHAR,
    superseded_at     TIMESTAMPTZ,  -- when a newer version replaced this one
    superseded_by_run VARCHAR
);

CREATE TABLE IF NOT EXISTS entities (
    entity_id VARCHAR,   -- stable id from label and canonical name
    name      VARCHAR,   -- canonical name
    label     VARCHAR    -- spaCy label: PERSON, ORG, GPE, LOC, NORP, ...
);

CREATE TABLE IF NOT EXISTS mentions (
    article_id    VARCHAR,
    entity_id     VARCHAR,
    surface_forms VARCHAR[],  -- the distinct spellings used in the article
    mention_count INTEGER,    -- how many times the article mentions the entity
    first_offset  INTEGER,    -- character offset of the first mention in articles.text
    model         VARCHAR     -- the NER model name and version that found it
);

CREATE TABLE IF NOT EXISTS links (
    article_id  VARCHAR,
    url         VARCHAR,
    anchor_text VARCHAR
);

CREATE TABLE IF NOT EXISTS runs (
    run_id             VARCHAR,
    flow_run_id        VARCHAR,
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR,  -- running | completed | failed
    documents_seen     INTEGER,
    documents_new      INTEGER,
    documents_updated  INTEGER,
    documents_unchanged INTEGER,
    documents_quarantined INTEGER,
    quarantine_reasons VARCHAR,  -- JSON object: reason code -> count
    articles_loaded    INTEGER,
    entities_loaded    INTEGER,
    mentions_loaded    INTEGER,
    links_loaded       INTEGER,
    seconds            DOUBLE,
    settings           VARCHAR,  -- JSON of the settings the run used
    error              VARCHAR   -- what went wrong, for a failed run
);

CREATE TABLE IF NOT EXISTS quarantine (
    doc_id     VARCHAR,
    source_uri VARCHAR,
    stage      VARCHAR,  -- discover | normalize | extract | validate
    reason     VARCHAR,  -- stable reason code, e.g. binary_content, expectation_failed:<name>
    detail     VARCHAR,  -- what was observed, in words
    run_id     VARCHAR,
    quarantined_at TIMESTAMPTZ  -- when it was refused
);
