-- Knowledge bases, documents with versions, content-addressed blobs and chunks.
-- Forward-only: never edit a migration that has shipped; add the next number.

CREATE TABLE knowledge_bases (
  id          uuid PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  name        text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Original bytes, stored before any job is queued so a worker on any host can read them.
CREATE TABLE blobs (
  sha256      text PRIMARY KEY,
  size_bytes  bigint NOT NULL,
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  id                  uuid PRIMARY KEY,
  kb_id               uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  source              text NOT NULL DEFAULT 'upload',
  source_ref          text,
  title               text NOT NULL,
  current_version_id  uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz
);
CREATE INDEX documents_kb_idx ON documents (kb_id) WHERE deleted_at IS NULL;

CREATE TABLE document_versions (
  id           uuid PRIMARY KEY,
  kb_id        uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  document_id  uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  sha256       text NOT NULL REFERENCES blobs(sha256),
  filename     text NOT NULL,
  mime         text NOT NULL,
  size_bytes   bigint NOT NULL,
  status       text NOT NULL DEFAULT 'queued'
               CHECK (status IN ('queued', 'parsing', 'indexing', 'ready', 'failed', 'superseded')),
  progress     real NOT NULL DEFAULT 0,
  error        text,
  markdown     text,
  chunk_count  integer,
  attempts     integer NOT NULL DEFAULT 0,
  timings      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, seq)
);
CREATE INDEX document_versions_kb_sha_idx ON document_versions (kb_id, sha256);

ALTER TABLE documents
  ADD CONSTRAINT documents_current_version_fk
  FOREIGN KEY (current_version_id) REFERENCES document_versions(id) DEFERRABLE INITIALLY DEFERRED;

-- The embedding column has no fixed dimension so a KB can switch embedders; each
-- embedder gets its own partial HNSW index over a cast to its dimension.
CREATE TABLE chunks (
  id            bigserial PRIMARY KEY,
  kb_id         uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  document_id   uuid NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  version_id    uuid NOT NULL REFERENCES document_versions(id) ON DELETE CASCADE,
  ordinal       integer NOT NULL,
  text          text NOT NULL,
  heading_path  text[] NOT NULL DEFAULT '{}',
  page          integer,
  metadata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  embedder      text NOT NULL,
  embedding     vector NOT NULL,
  UNIQUE (version_id, ordinal)
);
CREATE INDEX chunks_kb_version_idx ON chunks (kb_id, version_id);
CREATE INDEX chunks_builtin_hnsw_idx ON chunks
  USING hnsw ((embedding::vector(512)) vector_cosine_ops)
  WHERE embedder = 'builtin-hash-512';
