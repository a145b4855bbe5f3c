-- Lexical index for BM25 in plain Postgres (no extension beyond pgvector, so any managed
-- Postgres works): one posting per (term, chunk) with its term frequency, and each chunk's
-- length in terms. IDF and average length are computed per KB at query time.
ALTER TABLE chunks ADD COLUMN lexical_length integer NOT NULL DEFAULT 0;
-- Which analysis produced the terms; a KB whose analyzer changed is re-indexed.
ALTER TABLE chunks ADD COLUMN analyzer smallint NOT NULL DEFAULT 0;

CREATE TABLE chunk_terms (
  kb_id     uuid NOT NULL,
  term      text NOT NULL,
  chunk_id  bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
  tf        integer NOT NULL,
  PRIMARY KEY (kb_id, term, chunk_id)
);
-- The cascade from chunks looks postings up by chunk.
CREATE INDEX chunk_terms_chunk_idx ON chunk_terms (chunk_id);
