-- Each KB records the embedder its chunks' vectors come from (`embedder`), and while it moves to
-- another one, the target and the re-embed's progress. Vectors of the target are staged in
-- chunk_embeddings, then copied into chunks in one transaction that also flips `embedder`:
-- searches see the old vectors or the new ones, never a mix.
ALTER TABLE knowledge_bases
  ADD COLUMN embedder text NOT NULL DEFAULT 'builtin-hash-512',
  ADD COLUMN embedding_target text,
  ADD COLUMN embedding_state jsonb NOT NULL DEFAULT '{}'::jsonb;

-- Storage stays EXTENDED here (unlike chunks.embedding): staged vectors are written once and
-- read once, so large ones may as well go to TOAST.
CREATE TABLE chunk_embeddings (
  chunk_id   bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
  kb_id      uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  embedder   text NOT NULL,
  embedding  vector NOT NULL,
  PRIMARY KEY (chunk_id, embedder)
);
CREATE INDEX chunk_embeddings_kb_idx ON chunk_embeddings (kb_id, embedder);
