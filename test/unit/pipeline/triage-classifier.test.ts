import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAGE_THRESHOLD, TRIAGE_WEIGHTS, triage } from '../../../src/pipeline/triage-classifier';

const TRACEBACK = `Traceback (most recent call last):
  File "tools/train.py", line 12, in <module>
    from mmcv.ops import nms
ModuleNotFoundError: No module named 'mmcv._ext'`;

describe('triage rejects what is not worth a lookup', () => {
  it.each([
    ['你好', 'greeting'],
    ['大家好', 'greeting'],
    ['hi all', 'greeting'],
    ['Good morning!', 'greeting'],
    ['谢谢大佬', 'thanks'],
    ['thanks!', 'thanks'],
    ['Thank you so much', 'thanks'],
    ['好的', 'acknowledgement'],
    ['收到', 'acknowledgement'],
    ['ok', 'acknowledgement'],
    ['666', 'acknowledgement'],
    ['+1', 'acknowledgement'],
    ['哈哈哈', 'acknowledgement'],
    ['好的好的，谢谢', 'acknowledgement'],
    ['[旺柴][旺柴]', 'emoji_only'],
    ['[捂脸]', 'emoji_only'],
    ['😂😂', 'emoji_only'],
    ['👍', 'emoji_only'],
    ['吃了吗', 'chit_chat'],
    ['今天天气不错', 'chit_chat'],
    ['how are you', 'chit_chat'],
    ["What's your name?", 'chit_chat'],
    ['Do you like apples?', 'chit_chat'],
    ["I'm so bored", 'chit_chat'],
    ['？', 'too_short'],
  ])('%s → %s', (text, reason) => {
    const r = triage(text);
    expect(r.isQuestion).toBe(false);
    expect(r.reason).toBe(reason);
    expect(r.score).toBeLessThan(r.threshold);
  });
});

describe('triage passes questions, error reports and claims', () => {
  it.each([
    ['大佬们，请问如何安装mmcv?', 'question'],
    ['lmdeploy 支持 qwen2 吗', 'question'],
    ["报错 ModuleNotFoundError: No module named 'mmcv._ext' 怎么解决", 'error_report'],
    ['How do I quantize InternLM2 to 4 bit?', 'question'],
    [TRACEBACK, 'error_report'],
    ['Vitamin D deficiency increases the risk of multiple sclerosis.', 'statement'],
    ['Bcp1 is a chaperone for Rpl23.', 'technical'],
    ['opencompass是什么？', 'question'],
    ['怎么请假', 'question'],
    ['打印机在哪', 'question'],
    ["What's your refund policy?", 'question'],
    ['How many points did the Panthers defense surrender?', 'question'],
    ['python tools/train.py --cfg-options model.backbone.depth=50 跑不起来', 'error_report'],
    // A thank-you that carries a new question is a question.
    ['谢谢大佬 上个问题解决了[Salute] 有一个新问题 wholebody 的 bbox_score 都是1是什么意思呀', 'question'],
  ])('%s → %s', (text, reason) => {
    const r = triage(text);
    expect(r.isQuestion).toBe(true);
    expect(r.reason).toBe(reason);
    expect(r.score).toBeGreaterThanOrEqual(r.threshold);
  });
});

describe('triage features', () => {
  it('strips sticker tags and reads what is left', () => {
    const plain = triage('rtmpose 怎么设置多卡训练');
    const tagged = triage('[捂脸]rtmpose 怎么设置多卡训练[旺柴]');
    expect(tagged.isQuestion).toBe(true);
    expect(tagged.features.contentWords).toBe(plain.features.contentWords);
    expect(tagged.features.emoji).toBeGreaterThan(0);
    expect(plain.features.emoji).toBe(0);
    // list[dict] is code, not a sticker.
    expect(triage('list[dict] 里面的元素怎么改').features.emoji).toBe(0);
  });

  it('counts interrogatives, identifiers and error shapes', () => {
    const q = triage('为什么 cuda11.8 下 torch.cuda.is_available() 返回 False');
    expect(q.features.interrogative).toBeGreaterThan(0);
    expect(q.features.technical).toBeGreaterThanOrEqual(2);
    expect(triage(TRACEBACK).features.errorShape).toBe(1);
    expect(triage('今天心情不错').features.technical).toBe(0);
    expect(triage('How do I quantize InternLM2?').features.questionMark).toBe(1);
  });

  it('exposes every weighted feature as a finite number for the trace', () => {
    const r = triage('hello, how do I set --max-batch-size in lmdeploy?');
    expect(Object.keys(r.features).sort()).toEqual(Object.keys(TRIAGE_WEIGHTS).sort());
    for (const v of Object.values(r.features)) expect(Number.isFinite(v)).toBe(true);
    expect(r.score).toBeGreaterThan(0);
    expect(r.score).toBeLessThan(1);
  });

  it('scores more question evidence higher', () => {
    const bare = triage('mmcv 安装').score;
    const asked = triage('mmcv 怎么安装').score;
    const askedPolitely = triage('请问 mmcv 怎么安装？').score;
    expect(asked).toBeGreaterThan(bare);
    expect(askedPolitely).toBeGreaterThan(asked);
  });

  it('honours a caller threshold', () => {
    const text = '这个网站要翻墙吗';
    const r = triage(text);
    expect(r.threshold).toBe(DEFAULT_TRIAGE_THRESHOLD);
    expect(triage(text, { threshold: r.score + 0.01 }).isQuestion).toBe(false);
    expect(triage(text, { threshold: r.score - 0.01 }).isQuestion).toBe(true);
  });
});
