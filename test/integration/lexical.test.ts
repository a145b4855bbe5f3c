// BM25 in SQL equals the reference in-memory BM25 on the same terms; hybrid search finds
// identifiers and Chinese product names that vectors alone rank poorly; KBs stay apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bm25Index, queryTerms } from '../../src/retrieval/bm25';
import { Tokenizer } from '../../src/retrieval/tokenizer';
import { startFennel, type Harness } from '../support/fennel-harness';

let f: Harness;
const docs: Record<string, string> = {
  'install.md': '# Install\n\nInstall mmcv with pip before lmdeploy. CUDA 11.8 is required: use cuda11.8 wheels.\n',
  'chat.md': '# 办公软件\n\n我们用钉钉和飞书沟通，飞书文档用于会议纪要。\n',
  'gpu.md': '# GPUs\n\nThe cluster has eight A100 GPUs per node and runs InternLM2 inference.\n',
  'leave.md': '# Leave\n\nEmployees take leave through the HR portal; approvals take two days.\n',
};

beforeAll(async () => {
  f = await startFennel('lexical');
  await f.api('POST', '/api/v1/kbs', {
    slug: 'lex',
    name: 'Lex',
    settings: { retrieval: { customWords: ['钉钉', '飞书'] } },
  });
  const up = await f.upload(
    'lex',
    Object.entries(docs).map(([name, content]) => ({ name, content })),
  );
  for (const it of up.body.items) await f.waitFor('lex', it.documentId, ['ready']);
});
afterAll(() => f?.stop());

const search = async (query: string, mode?: string) =>
  (await f.api('POST', '/api/v1/kbs/lex/search', { query, topK: 4, ...(mode ? { mode } : {}) })).body;

describe('lexical retrieval', () => {
  it('scores exactly as the reference BM25 over the same terms', async () => {
    const tokenizer = new Tokenizer({ customWords: ['钉钉', '飞书'] });
    const index = new Bm25Index();
    // The ingest indexes title + heading path + text; each document here is one chunk.
    for (const [name, md] of Object.entries(docs)) {
      const title = md.split('\n')[0]!.replace(/^# /, '');
      const body = md.split('\n\n').slice(1).join('\n\n').trim();
      index.add(name, tokenizer.tokenize([title, title, body].join('\n')));
    }
    for (const q of ['install mmcv cuda11.8', '飞书 会议纪要', 'leave approvals']) {
      const expected = index.search(queryTerms(tokenizer.tokenize(q)), 4);
      const got = (await search(q, 'lexical')).hits as {
        title: string;
        score: number;
        signals: { lexical: { score: number } };
      }[];
      expect(got.length).toBe(expected.length);
      expected.forEach((e, i) => expect(got[i]!.signals.lexical.score).toBeCloseTo(e.score, 9));
    }
  });

  it('finds identifiers and custom words whole, and reports each signal', async () => {
    const r = await search('cuda11.8');
    expect(r.terms).toContain('cuda11.8');
    expect(r.hits[0].text).toContain('cuda11.8');
    expect(r.hits[0].signals.lexical.rank).toBe(1);
    const zh = await search('钉钉');
    expect(zh.terms).toEqual(['钉钉']);
    expect(zh.hits[0].text).toContain('钉钉');
    const vectorOnly = await search('InternLM2', 'vector');
    expect(vectorOnly.mode).toBe('vector');
    // Vector only, then the reranker: no lexical signal on any hit.
    expect(
      vectorOnly.hits.every((h: { signals: object }) => Object.keys(h.signals).sort().join() === 'rerank,vector'),
    ).toBe(true);
  });

  it('reranks the fused candidates by default, and not when asked not to', async () => {
    const on = await search('cuda11.8 install');
    expect(on.reranker).toBe('builtin-features-v1');
    for (const h of on.hits) expect(h.signals.rerank).toEqual({ score: expect.any(Number), rank: expect.any(Number) });
    const scores = on.hits.map((h: { score: number }) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const off = (await f.api('POST', '/api/v1/kbs/lex/search', { query: 'cuda11.8 install', topK: 4, rerank: false }))
      .body;
    expect(off.reranker).toBeNull();
    expect(off.hits.every((h: { signals: object }) => !('rerank' in h.signals))).toBe(true);
  });

  it('filters by document and source, and keeps other KBs out', async () => {
    const list = (await f.api('GET', '/api/v1/kbs/lex/documents')).body.items as { id: string; title: string }[];
    const gpu = list.find((d) => d.title === 'GPUs')!;
    const only = await f.api('POST', '/api/v1/kbs/lex/search', {
      query: 'install mmcv',
      topK: 4,
      filters: { documentIds: [gpu.id] },
    });
    expect(only.body.hits.every((h: { documentId: string }) => h.documentId === gpu.id)).toBe(true);
    const none = await f.api('POST', '/api/v1/kbs/lex/search', {
      query: 'install mmcv',
      topK: 4,
      filters: { sources: ['url'] },
    });
    expect(none.body.hits).toEqual([]);
    await f.api('POST', '/api/v1/kbs', { slug: 'other', name: 'Other' });
    expect((await f.api('POST', '/api/v1/kbs/other/search', { query: 'install mmcv' })).body.hits).toEqual([]);
  });
});
