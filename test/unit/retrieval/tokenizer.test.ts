import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../src/retrieval/bm25';
import { jiebaConstructionCount, Tokenizer } from '../../../src/retrieval/tokenizer';

const tokenizer = new Tokenizer();
const tokenize = (text: string) => tokenizer.tokenize(text);

describe('Chinese', () => {
  it('emits jieba words (precise mode, no HMM) then the character bigrams of each run', () => {
    expect(tokenize('中华人民共和国成立了')).toEqual([
      '中华人民共和国',
      '成立',
      '了',
      ...['中华', '华人', '人民', '民共', '共和', '和国', '国成', '成立', '立了'],
    ]);
  });

  it('splits unknown product names into characters, which the bigrams still cover', () => {
    expect(tokenize('钉钉和飞书')).toEqual(['钉', '钉', '和', '飞', '书', '钉钉', '钉和', '和飞', '飞书']);
  });

  it('lets a partial word match the compound that contains it', () => {
    const doc = new Set(tokenize('向量数据库用于存储文本嵌入'));
    expect(tokenize('数据库').some((t) => doc.has(t))).toBe(true);
    expect(tokenize('数据').every((t) => doc.has(t))).toBe(true);
  });

  it('drops CJK punctuation and handles characters outside the BMP', () => {
    expect(tokenize('「你好」——《世界》！？')).toEqual(['你好', '你好', '世界', '世界']);
    expect(tokenize('𠀀𠀁字')).toEqual(['𠀀', '𠀁', '字', '𠀀𠀁', '𠀁字']);
  });
});

describe('custom words', () => {
  const kb = new Tokenizer({ customWords: ['钉钉', '飞书', '茴香豆'] });

  it('keeps them whole, with no single characters or bigrams inside them', () => {
    expect(kb.tokenize('钉钉和飞书')).toEqual(['钉钉', '和', '飞书']);
    const terms = kb.tokenize('茴香豆是一个知识助手');
    expect(terms[0]).toBe('茴香豆');
    expect(terms).not.toContain('茴香');
    expect(terms).not.toContain('香豆');
    expect(kb.tokenize('我用钉钉')).toEqual(['我', '用', '我用', '钉钉']);
  });

  it('do not leak into another knowledge base’s tokenizer', () => {
    expect(new Tokenizer().tokenize('钉钉')).toEqual(['钉', '钉', '钉钉']);
    expect(new Tokenizer({ customWords: ['飞书'] }).tokenize('钉钉')).toEqual(['钉', '钉', '钉钉']);
  });

  it('match longest first and use only the Han part of mixed words', () => {
    const t = new Tokenizer({ customWords: ['飞书', '飞书文档', '飞书2.0', 'InternLM', '书'] });
    expect(t.tokenize('飞书文档')).toEqual(['飞书文档']);
    expect(t.tokenize('用飞书2.0开会')).toEqual(['用', '飞书', '2.0', '开会', '开会']);
  });

  it('load the default dictionary once per process, however many tokenizers exist', () => {
    for (let i = 0; i < 100; i++) {
      new Tokenizer({ customWords: [`产品${i}号`, '钉钉'] }).tokenize(`产品${i}号和钉钉`);
    }
    expect(jiebaConstructionCount()).toBe(1);
  });
});

describe('English', () => {
  it('lowercases, removes stopwords and Porter-stems', () => {
    expect(tokenize('The cat is running to the runs.')).toEqual(['cat', 'run', 'run']);
    expect(tokenize('Running RUNS run')).toEqual(['run', 'run', 'run']);
  });

  it('handles possessives, plurals and accents', () => {
    expect(tokenize("the user's files")).toEqual(['user', 'file']);
    expect(tokenize('users’ GPUs LLMs')).toEqual(['user', 'gpu', 'llm']);
    expect(tokenize('café naïve')).toEqual(tokenize('cafe naive'));
  });

  it('treats camelCase as a word plus its parts, so any casing of it matches', () => {
    expect(tokenize('iPhone')).toEqual(['iphon', 'phone']);
    expect(tokenize('iphone')).toEqual(['iphon']);
    expect(tokenize('HTTPServer')).toEqual(['httpserver', 'http', 'server']);
    expect(tokenize('camelCaseName')).toEqual(['camelcasenam', 'camel', 'case', 'name']);
  });
});

describe('identifiers and numbers', () => {
  it.each([
    ['mmcv', ['mmcv']],
    ['InternLM2', ['internlm2', 'internlm', 'intern', 'lm']],
    ['cuda11.8', ['cuda11.8', 'cuda', '11.8']],
    ['v1.2.3', ['v1.2.3', '1.2.3']],
    ['torch.cuda.is_available', ['torch.cuda.is_available', 'torch', 'cuda', 'avail']],
    ['snake_case_name', ['snake_case_name', 'snake', 'case', 'name']],
    ['file.py', ['file.py', 'file', 'py']],
    ['--max-batch-size', ['--max-batch-size', 'max', 'batch', 'size']],
    ['lmdeploy-0.5', ['lmdeploy-0.5', 'lmdeploi', '0.5']],
    ['__init__.py', ['__init__.py', 'init', 'py']],
    ['x86_64', ['x86_64', 'x86', '86', '64']],
    ['C++ C#', ['c++', 'c#']],
    ['11.8 2024', ['11.8', '2024']],
  ])('%s', (text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });

  it('ends an identifier at sentence punctuation', () => {
    expect(tokenize('Edit config.py.')).toEqual(['edit', 'config.py', 'config', 'py']);
  });

  it('ranks the exact identifier above a part match', () => {
    const index = new Bm25Index();
    index.add('exact', tokenize('需要 cuda11.8 才能编译'));
    index.add('other', tokenize('cuda toolkit 安装说明'));
    index.add('none', tokenize('pytorch 安装说明'));
    expect(index.search(tokenize('cuda11.8'), 10).map((h) => h.id)).toEqual(['exact', 'other']);
    const partial = index.search(tokenize('cuda'), 10);
    expect(partial.map((h) => h.id).sort()).toEqual(['exact', 'other']);
  });
});

describe('mixed and edge input', () => {
  it('splits Chinese around embedded identifiers', () => {
    expect(tokenize('安装mmcv需要cuda11.8')).toEqual([
      '安装',
      '安装',
      'mmcv',
      '需要',
      '需要',
      'cuda11.8',
      'cuda',
      '11.8',
    ]);
    expect(tokenize('2024年发布')).toEqual(['2024', '年', '发布', '年发', '发布']);
  });

  it('normalises full-width forms (NFKC)', () => {
    expect(tokenize('ＣＵＤＡ１１．８，ｐｙｔｏｒｃｈ！')).toEqual(['cuda11.8', 'cuda', '11.8', 'pytorch']);
    expect(tokenize('ＩｎｔｅｒｎＬＭ２')).toEqual(tokenize('InternLM2'));
  });

  it.each([[''], ['   \n\t '], ['...!!! ??? --- ___'], ['，。！？、；：「」'], ['🎉🚀👍🏽❤️‍🔥'], ['1️⃣ #️⃣']])(
    'returns [] for %j',
    (text) => {
      expect(tokenize(text)).toEqual([]);
    },
  );

  it('is the same analysis for documents and queries (deterministic)', () => {
    const text = '请问 InternLM2 在 lmdeploy-0.5 上如何量化部署？';
    expect(tokenize(text)).toEqual(new Tokenizer().tokenize(text));
  });
});
