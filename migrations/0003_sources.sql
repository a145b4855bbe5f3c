-- Live sources: a watched folder or a set of URLs/a sitemap that keeps a KB in sync.
CREATE TABLE sources (
  id            uuid PRIMARY KEY,
  kb_id         uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('folder', 'url')),
  config        jsonb NOT NULL,
  interval_sec  integer NOT NULL CHECK (interval_sec >= 10),
  last_sync_at  timestamptz,
  last_report   jsonb,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_kb_idx ON sources (kb_id);

-- Conditional-GET state per URL, so unchanged pages are skipped by ETag/Last-Modified/sha256.
CREATE TABLE url_source_state (
  source_id        uuid NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  url              text NOT NULL,
  etag             text,
  last_modified    text,
  sha256           text,
  last_fetched_at  timestamptz,
  PRIMARY KEY (source_id, url)
);

ALTER TABLE documents ADD COLUMN source_id uuid REFERENCES sources(id) ON DELETE SET NULL;
-- One live document per path or URL of a source.
CREATE UNIQUE INDEX documents_source_ref_idx ON documents (source_id, source_ref)
  WHERE deleted_at IS NULL AND source_id IS NOT NULL;
