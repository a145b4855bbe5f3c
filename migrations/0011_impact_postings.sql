-- Impact-ordered postings and a document-frequency table, so BM25 at 100k chunks stops paying
-- for every posting of its common terms (bench:search, 300 SciFact questions, one 100k-chunk KB:
-- a 7-term question touched ~37k postings; counting them for df and aggregating them per chunk
-- were most of a 26 ms median and a 58 ms p95).
--
-- 1. `impact` orders each term's postings by how much they can score: BM25's tf component with
--    k1 = 1.2, b = 0.75 and a reference average length of 100 terms. It only orders; scores are
--    always computed from tf and the length with the KB's own k1, b and average length. A KB
--    whose average length or k1/b differ gets a slightly different order, which only changes
--    which postings of a very common term are read first (see SearchRepository.lexicalSearch).
ALTER TABLE chunk_terms
  ADD COLUMN impact real GENERATED ALWAYS AS (tf / (tf + 0.3 + 0.9 * lexical_length / 100.0)) STORED;

-- 2. Two indexes, as before, but different ones:
--    - (kb_id, term, impact DESC, chunk_id): a term's best postings first, index-only. It also
--      serves a full read of a term's postings, as the old primary key did.
--    - primary key (chunk_id, term): one chunk's postings — the completion probes of lexical
--      search and the deletes. Inserts append to it (chunk ids grow), where the old
--      (kb_id, term, chunk_id) key took a random insert per posting. (term, chunk_id) is unique
--      exactly when (kb_id, term, chunk_id) is: a chunk belongs to one KB.
--    What writes cost, measured on the 100k-chunk bench database (5.2M postings), 100 documents
--    of 2,000 chunks and 103k postings, old schema vs this one in the same session: inserting
--    the postings 2.85 s -> 3.7 s (the impact index's random inserts, the df upsert); deleting
--    the chunks 0.2 s -> 0.6-0.8 s (the df update, below). Searches are what this trades for.
ALTER TABLE chunk_terms DROP CONSTRAINT chunk_terms_pkey;
DROP INDEX chunk_terms_chunk_idx;
ALTER TABLE chunk_terms ADD PRIMARY KEY (chunk_id, term) INCLUDE (tf, lexical_length);
CREATE INDEX chunk_terms_impact_idx ON chunk_terms (kb_id, term, impact DESC, chunk_id) INCLUDE (tf, lexical_length);

-- 3. Document frequency per (KB, term), kept by statement triggers like kb_lexical_stats
--    (0008): it counts every posting, as the count(*) it replaces did (postings of versions
--    still indexing included). Counting a common term's postings at query time was ~4 ms of
--    every question on an idle machine, more under load.
CREATE TABLE kb_term_df (
  kb_id  uuid NOT NULL REFERENCES knowledge_bases(id) ON DELETE CASCADE,
  term   text NOT NULL,
  df     bigint NOT NULL,
  PRIMARY KEY (kb_id, term) INCLUDE (df)
);

INSERT INTO kb_term_df (kb_id, term, df)
SELECT kb_id, term, count(*) FROM chunk_terms GROUP BY kb_id, term;

-- Writers take the rows in (kb_id, term) order, so two ingests in one KB queue on a shared term
-- instead of deadlocking.
CREATE FUNCTION chunk_terms_df_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kb_term_df AS d (kb_id, term, df)
  SELECT t.kb_id, t.term, count(*) FROM new_terms t GROUP BY t.kb_id, t.term ORDER BY t.kb_id, t.term
  ON CONFLICT (kb_id, term) DO UPDATE SET df = d.df + excluded.df;
  RETURN NULL;
END $$;

-- Only ever an UPDATE (inside a KB's cascade delete the rows may be gone already), with the rows
-- locked in the same order as the inserts take them. Rows that reach 0 stay: the next posting of
-- the term reuses them, and search ignores terms with df 0.
CREATE FUNCTION chunk_terms_df_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM kb_term_df d
    JOIN (SELECT DISTINCT t.kb_id, t.term FROM old_terms t) x ON d.kb_id = x.kb_id AND d.term = x.term
    ORDER BY d.kb_id, d.term FOR UPDATE OF d;
  UPDATE kb_term_df d SET df = d.df - x.n
    FROM (SELECT t.kb_id, t.term, count(*) AS n FROM old_terms t GROUP BY t.kb_id, t.term) x
   WHERE d.kb_id = x.kb_id AND d.term = x.term;
  RETURN NULL;
END $$;

CREATE TRIGGER chunk_terms_df_insert AFTER INSERT ON chunk_terms
  REFERENCING NEW TABLE AS new_terms FOR EACH STATEMENT EXECUTE FUNCTION chunk_terms_df_insert();
CREATE TRIGGER chunk_terms_df_delete AFTER DELETE ON chunk_terms
  REFERENCING OLD TABLE AS old_terms FOR EACH STATEMENT EXECUTE FUNCTION chunk_terms_df_delete();

-- 4. Postings leave with their chunks in one statement per chunk delete, not one per chunk: the
--    foreign key's cascade deletes row by row, so the df trigger would fire once per chunk, each
--    firing taking its own terms' locks in its own order. The chunks trigger deletes them all at
--    once, in one sorted lock pass. Postings are only ever written in the transaction that
--    writes their chunk, so without the foreign key none can point at a chunk that is gone.
ALTER TABLE chunk_terms DROP CONSTRAINT chunk_terms_chunk_id_fkey;

CREATE FUNCTION chunks_delete_postings() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM chunk_terms t USING old_chunks c WHERE t.chunk_id = c.id;
  RETURN NULL;
END $$;

CREATE TRIGGER chunks_delete_postings AFTER DELETE ON chunks
  REFERENCING OLD TABLE AS old_chunks FOR EACH STATEMENT EXECUTE FUNCTION chunks_delete_postings();
