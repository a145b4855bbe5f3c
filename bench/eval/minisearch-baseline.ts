// The baseline: MiniSearch (BM25+ in process) over the same passages, its default tokenizer,
// plus jieba for Chinese runs (MiniSearch alone would index a Chinese sentence as one token).
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import MiniSearch from 'minisearch';
import type { Passage } from './dataset';

const HAN = /\p{Script=Han}/u;

export function miniSearchBaseline(corpus: Passage[]): (query: string, k: number) => string[] {
  const jieba = Jieba.withDict(dict);
  const defaultTokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
  const tokenize = (text: string) => defaultTokenize(text).flatMap((t) => (HAN.test(t) ? jieba.cut(t, false) : [t]));
  const index = new MiniSearch<Passage>({
    fields: ['title', 'text'],
    idField: 'id',
    tokenize,
    searchOptions: { tokenize },
  });
  index.addAll(corpus);
  return (query, k) =>
    index
      .search(query)
      .slice(0, k)
      .map((r) => String(r.id));
}
