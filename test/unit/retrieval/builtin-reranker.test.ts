import { describe, expect, it } from 'vitest';
import { BuiltinReranker, hanRunWords } from '../../../src/retrieval/builtin-reranker';
import { Tokenizer } from '../../../src/retrieval/tokenizer';

const reranker = new BuiltinReranker();

describe('BuiltinReranker', () => {
  it('ranks the exact phrase above the same words scattered', async () => {
    const [exact, scattered] = await reranker.rerank('multiple sclerosis risk', [
      'Vitamin D deficiency raises multiple sclerosis risk in adults.',
      'Multiple factors affect the risk of sclerosis of the liver.',
    ]);
    expect(exact).toBeGreaterThan(scattered!);
    const f = reranker.features(
      'multiple sclerosis risk',
      'Multiple factors affect the risk of sclerosis of the liver.',
    );
    expect(f.coverage).toBe(1);
    expect(f.phrase).toBe(0);
    expect(f.proximity).toBeGreaterThan(0);
    expect(f.proximity).toBeLessThan(1);
  });

  it('ranks full coverage above partial coverage', async () => {
    const [partial, full] = await reranker.rerank('quantize InternLM2 to 4 bit', [
      'InternLM2 is a family of open large language models.',
      'To quantize InternLM2 to 4 bit, run lmdeploy lite auto_awq.',
    ]);
    expect(full).toBeGreaterThan(partial!);
    expect(reranker.features('quantize InternLM2', 'InternLM2 is a model.').coverage).toBe(0.5);
  });

  it('handles Chinese through the jieba tokenizer', async () => {
    const scores = await reranker.rerank('如何安装mmcv', [
      '今天天气不错，大家中午吃什么？',
      'mmcv 是一个计算机视觉基础库，安装步骤见文档。',
      '使用 pip 安装 mmcv：pip install mmcv',
    ]);
    expect(scores[2]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[0]).toBe(0);
    // A word inside a longer word still matches, and a shared fragment is no phrase.
    expect(reranker.features('向量数据库', '我们的向量数据库产品').phrase).toBe(1);
    const fragment = reranker.features('向量数据库', '向量和数据是两个概念');
    expect(fragment.phrase).toBe(0);
    expect(fragment.coverage).toBeGreaterThan(0);
    expect(fragment.coverage).toBeLessThan(1);
  });

  it('keeps query words of one sentence nearer than the same words across sentences', () => {
    const together = reranker.features('lmdeploy 量化 模型', '用 lmdeploy 量化这个模型。');
    const apart = reranker.features('lmdeploy 量化 模型', 'lmdeploy 很好用。量化很重要。模型很大。');
    expect(together.proximity).toBeGreaterThan(apart.proximity);
  });

  it('returns scores in [0, 1] in the order of the input', async () => {
    const passages = [
      '# Reset your password\nOpen settings and choose reset password.',
      'The canteen serves lunch from noon.',
      '',
      'password password password reset reset',
    ];
    const scores = await reranker.rerank('how do I reset my password', passages);
    expect(scores).toHaveLength(passages.length);
    for (const s of scores) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    const reversed = await reranker.rerank('how do I reset my password', [...passages].reverse());
    expect(reversed).toEqual([...scores].reverse());
    expect(await reranker.rerank('', passages)).toEqual([0, 0, 0, 0]);
    expect(await reranker.rerank('reset password', [])).toEqual([]);
  });

  it('credits a heading that matches the query', () => {
    const headed = reranker.features('reset password', '# Reset password\nOpen the settings page.');
    const plain = reranker.features('reset password', 'Open the settings page to reset a password.');
    expect(headed.title).toBe(1);
    expect(plain.title).toBe(0);
  });

  it('weights rare words by the IDF it is given', async () => {
    const passages = ['the gpu driver is old', 'install cuda11.8 first'];
    const rareCuda = (t: string) => (t === 'cuda11.8' ? 5 : 0.1);
    const rareDriver = (t: string) => (t === 'driver' ? 5 : 0.1);
    const [a1, b1] = await reranker.rerank('driver cuda11.8', passages, { idf: rareCuda });
    const [a2, b2] = await reranker.rerank('driver cuda11.8', passages, { idf: rareDriver });
    expect(b1).toBeGreaterThan(a1!);
    expect(a2).toBeGreaterThan(b2!);
  });

  it('has a stable id for traces', () => {
    expect(reranker.id).toBe('builtin-features-v1');
  });
});

describe('hanRunWords', () => {
  it('reads the jieba words back from the tokenizer, custom words included', () => {
    const run = '怎么用茴香豆部署知识库';
    for (const tokenizer of [new Tokenizer(), new Tokenizer({ customWords: ['茴香豆'] })]) {
      const words = hanRunWords(tokenizer, run);
      expect(words.join('')).toBe(run);
      expect(words.length).toBeLessThan([...run].length);
    }
    expect(hanRunWords(new Tokenizer({ customWords: ['茴香豆'] }), run)).toContain('茴香豆');
  });
});
