// Vector and BM25 search on real pgvector: chunks of versions still being indexed must not crowd
// out the current ones, a KB never sees another KB's chunks, and tags filter both signals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/database/database';
import { BuiltinEmbedder } from '../../src/inference/builtin-embedder';
import { queryTerms } from '../../src/retrieval/bm25';
import { SearchRepository, type SearchFilters } from '../../src/retrieval/search.repository';
import { insertDocument, insertKb, tokenizer } from '../support/kb-rows';
import { migratedTestDatabase } from '../support/services';

let db: Database;
let close: (() => Promise<void>) | undefined;
const embedder = new BuiltinEmbedder();

beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase('search'));
});
afterAll(() => close?.());

const document = async (kbId: string, texts: string[], current: boolean, tags: string[] = []) =>
  (await insertDocument(db, kbId, texts, { current, tags })).docId;

describe('SearchRepository.vectorSearch', () => {
  it('finds current chunks even when a version being indexed has many closer ones', async () => {
    const kbId = await insertKb(db, 'crowded');
    const live = await document(kbId, ['The reimbursement form for travel expenses is FIN-22.'], true);
    // 600 near-duplicates of the query in a version that is not current yet.
    await document(
      kbId,
      Array.from({ length: 600 }, (_, i) => `travel expenses reimbursement form number ${i}`),
      false,
    );
    const [q] = await embedder.embed(['travel expenses reimbursement form']);
    const hits = await new SearchRepository(db).vectorSearch(kbId, embedder.id, 512, q!, 5);
    expect(hits.map((h) => h.documentId)).toEqual([live]);
    expect(hits[0]!.text).toContain('FIN-22');
  });

  it('keeps knowledge bases apart', async () => {
    const a = await insertKb(db, 'kb-a');
    const b = await insertKb(db, 'kb-b');
    await document(a, ['Alpha secret: the vault opens at dawn.'], true);
    const inB = await document(b, ['Bravo note: the garden opens at noon.'], true);
    const [q] = await embedder.embed(['when does the vault open']);
    const hits = await new SearchRepository(db).vectorSearch(b, embedder.id, 512, q!, 10);
    expect(hits.map((h) => h.documentId)).toEqual([inB]);
  });
});

describe('SearchRepository.lexicalSearch', () => {
  it('finds current chunks even when a version being indexed has many better ones', async () => {
    const kbId = await insertKb(db, 'crowded-lex');
    // Longer, so it scores below every near-duplicate.
    const live = await document(
      kbId,
      ['The reimbursement form for travel expenses is FIN-22; finance checks receipts monthly and pays on Fridays.'],
      true,
    );
    // 200 better-scoring near-duplicates in a version that is not current yet: the first pool
    // of 100 candidates holds no live chunk. Live filler keeps N above the terms' df (postings of
    // unfinished versions count in df; were df > N, idf would turn negative).
    await document(
      kbId,
      Array.from({ length: 200 }, (_, i) => `travel expenses reimbursement form ${i}`),
      false,
    );
    await document(
      kbId,
      Array.from({ length: 400 }, (_, i) => `canteen lunch menu ${i}`),
      true,
    );
    const terms = queryTerms(tokenizer.tokenize('travel expenses reimbursement form'));
    const { hits } = await new SearchRepository(db).lexicalSearch(kbId, terms, 5, { k1: 1.2, b: 0.75 });
    expect(hits.map((h) => h.documentId)).toEqual([live]);
  });
});

describe('tags filter', () => {
  it('keeps documents with ANY of the tags, in both signals', async () => {
    const kbId = await insertKb(db, 'tagged');
    const hr = await document(kbId, ['Vacation leave requests go through the portal.'], true, ['hr', 'policy']);
    const it_ = await document(kbId, ['Laptop requests go through the IT portal.'], true, ['it']);
    const plain = await document(kbId, ['Other requests go through the portal as well.'], true);
    // A tagged version that is not current must stay out whatever its tags.
    await document(kbId, ['Requests portal requests portal.'], false, ['hr']);
    const repo = new SearchRepository(db);
    const [q] = await embedder.embed(['requests portal']);
    const terms = queryTerms(tokenizer.tokenize('requests portal'));
    const both = async (filters: SearchFilters) => {
      const vector = await repo.vectorSearch(kbId, embedder.id, 512, q!, 10, filters);
      const { hits: lexical } = await repo.lexicalSearch(kbId, terms, 10, { k1: 1.2, b: 0.75 }, filters);
      return [vector, lexical].map((hits) => hits.map((h) => h.documentId).sort());
    };
    expect(await both({})).toEqual([[hr, it_, plain].sort(), [hr, it_, plain].sort()]);
    expect(await both({ tags: ['hr'] })).toEqual([[hr], [hr]]);
    expect(await both({ tags: ['policy', 'it'] })).toEqual([[hr, it_].sort(), [hr, it_].sort()]);
    expect(await both({ tags: ['finance'] })).toEqual([[], []]);
    expect(await both({ tags: [] })).toEqual([[], []]);
    expect(await both({ tags: ['it'], documentIds: [hr] })).toEqual([[], []]);
  });
});
