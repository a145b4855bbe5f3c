// Triage without a model: is a group-chat line a question (or a report) worth looking up, or
// greeting, thanks, stickers and small talk? A first filter tuned for recall: an off-topic but real
// question passes here, and the evidence gate after retrieval decides whether the KB can answer it.
import { Tokenizer } from '../retrieval/tokenizer';
import { hanRunWords } from '../retrieval/builtin-reranker';

/**
 * Named model inputs, kept in the trace so a verdict can be read back term by term. A type alias,
 * not an interface, so it is assignable to the trace's Record<string, number>.
 */
export type TriageFeatures = {
  /** Meaningful words left after stickers, emoji, filler and function words are removed. */
  contentWords: number;
  /** ln(1 + contentWords), capped: the tenth word says less than the second. */
  length: number;
  /** Interrogative words and particles (吗 呢 怎么 为什么 …, what/how/can … at a clause start), 0–2. */
  interrogative: number;
  questionMark: number;
  /** Asking for help: 请问 请教 求助 有没有大佬 help please anyone … */
  request: number;
  /** Identifiers, versions, paths, flags, code, Latin package names inside Chinese text; 0–3. */
  technical: number;
  /** Traceback, FooError, `error:`, stack frames, 报错 … */
  errorShape: number;
  /** An impersonal declarative of three or more words: a claim or a report, not chat. */
  statement: number;
  /** Share of the text's characters that are greetings, thanks, acknowledgements or laughter. */
  filler: number;
  /** Share of the text that is emoji, stickers ([旺柴]) or emoticons. */
  emoji: number;
  /** Share of the non-space characters that are punctuation (？？？, 。。。). */
  punctuation: number;
  /** English addressed to the bot or a person with nothing technical in it: "are you real?". */
  secondPersonChat: number;
  /** English about the speaker's own state: "I'm bored", "I love music". */
  firstPersonChat: number;
  /** Phatic small talk: 吃了吗, 今天天气不错, how are you, what's up. */
  smalltalk: number;
};

export interface TriageResult {
  isQuestion: boolean;
  /** Logistic score in (0, 1); compared with `threshold`. */
  score: number;
  threshold: number;
  features: TriageFeatures;
  /**
   * Rejected: 'greeting' | 'thanks' | 'acknowledgement' | 'emoji_only' | 'chit_chat' | 'too_short' | 'low_score'.
   * Passed: 'error_report' | 'question' | 'technical' | 'statement'.
   */
  reason: string;
}

/**
 * Hand-set weights of the logistic model z = BIAS + Σ wᵢ·fᵢ, score = σ(z). Set by reasoning and
 * checked on the dev sets (`bench/eval/triage-dev.ts`), not fitted: a fitted model would learn the
 * dev sets' topics, and most of their "reject" lines are real questions triage must let through.
 */
export const TRIAGE_WEIGHTS: Readonly<Record<keyof TriageFeatures, number>> = Object.freeze({
  // Only a count; `length` carries it, on the log scale.
  contentWords: 0,
  // The backbone: with nothing else, four content words cross the default threshold (three in an
  // impersonal statement) — a line that long says something, and the gate can decide what.
  length: 1.6,
  // Each interrogative is worth about two content words, so a noun and a question word pass
  // (打印机在哪, 怎么请假) while a bare "这有啥用" does not.
  interrogative: 1.5,
  // Weaker than a word: "?" also ends "There?" and "Why?", and WeChat users often omit it.
  questionMark: 0.9,
  // 请问/求助/help is an explicit ask, rarely said in passing.
  request: 1.5,
  // Per token, up to three: identifiers and versions are what a KB is about, and chat has none.
  technical: 1.0,
  // A pasted error is a question even with no question in it.
  errorShape: 3.0,
  // Lets a scientific or technical claim ("X increases the risk of Y.") pass on length alone.
  statement: 0.9,
  // All-filler text loses 2.5 on top of having no length; partial filler ("谢谢，另外…") much less.
  filler: -2.5,
  emoji: -1.5,
  punctuation: -1.0,
  // Strong enough to sink a short "do you like apples?", not a long or technical question.
  secondPersonChat: -1.8,
  firstPersonChat: -1.5,
  smalltalk: -2.5,
});

/** With every feature 0 the score is σ(−3) ≈ 0.05: silence is the default for an empty line. */
export const TRIAGE_BIAS = -3.0;

/**
 * Recall first: a real question lost here is never answered, a chatty one only costs a retrieval.
 * Dev sets at 0.35: answer recall .988 (zh) / 1.0 (en), SciFact chit-chat rejected .944. At 0.5 zh
 * recall is still .978 and 18% of its rejects go, but what goes extra is short real questions
 * (误检怎么降低 .42, 停车费呢 .40; a company's 打印机在哪 is .40 too): off-topic is the gate's call.
 */
export const DEFAULT_TRIAGE_THRESHOLD = 0.35;

const tokenizer = new Tokenizer();

export function triage(text: string, opts: { threshold?: number } = {}): TriageResult {
  const threshold = opts.threshold ?? DEFAULT_TRIAGE_THRESHOLD;
  const a = analyse(text);
  const f = a.features;
  let z = TRIAGE_BIAS;
  for (const k of Object.keys(TRIAGE_WEIGHTS) as (keyof TriageFeatures)[]) z += TRIAGE_WEIGHTS[k] * f[k];
  const score = 1 / (1 + Math.exp(-z));
  const isQuestion = score >= threshold;
  return { isQuestion, score, threshold, features: f, reason: isQuestion ? passReason(f) : rejectReason(a) };
}

function passReason(f: TriageFeatures): string {
  if (f.errorShape > 0) return 'error_report';
  if (f.interrogative > 0 || f.questionMark > 0 || f.request > 0) return 'question';
  return f.technical > 0 ? 'technical' : 'statement';
}

function rejectReason(a: Analysis): string {
  const f = a.features;
  if (a.emojiChars > 0 && a.residualChars === 0) return 'emoji_only';
  if (f.contentWords === 0 && f.technical === 0 && a.dominantFiller) return a.dominantFiller;
  if (f.smalltalk > 0 || f.secondPersonChat > 0 || f.firstPersonChat > 0) return 'chit_chat';
  return f.contentWords <= 2 ? 'too_short' : 'low_score';
}

// --- Analysis ----------------------------------------------------------------------------------

interface Analysis {
  features: TriageFeatures;
  emojiChars: number;
  /** Non-space, non-punctuation characters left once emoji and filler are removed. */
  residualChars: number;
  dominantFiller?: 'greeting' | 'thanks' | 'acknowledgement';
}

// WeChat sticker tags ([旺柴], [捂脸], [图片]) and their English names ([Salute]); not `list[dict]`.
const STICKER = /(?<![A-Za-z0-9_])\[(?:\p{Script=Han}{1,4}|[A-Za-z][a-z]{1,11})\]/gu;
// HuixiangDou's chat exports write stickers as "emoji" and notices as "sys msg".
const EMOJI_PLACEHOLDER = /(?<![A-Za-z0-9_])emoji(?![A-Za-z0-9_])/giu;
const NOTICE_PLACEHOLDER = /(?<![A-Za-z0-9_])sys msg(?![A-Za-z0-9_])/giu;
// Pictographs, flags, skin tones and the joiners/selectors that glue them (alternatives, not a
// class: a class would split joined sequences).
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]|\u200D|\uFE0F|\u20E3/gu;
const EMOTICON =
  /(?<![A-Za-z0-9])(?:[:;=xX8][-^']?[()DPpOo3|\\/\][]+|\^[_-]?\^|T_T|QAQ|qwq|QwQ|orz|Orz|OTZ|o_O|O_o|<3)(?![A-Za-z0-9])/gu;
const HAN = /\p{Script=Han}/u;
const PUNCT = /[\p{P}\p{S}]/gu;

function analyse(raw: string): Analysis {
  let text = raw.normalize('NFKC');
  let emojiChars = 0;
  const strip = (re: RegExp) => {
    text = text.replace(re, (m) => {
      emojiChars += [...m].length;
      return ' ';
    });
  };
  strip(STICKER);
  strip(EMOJI_PLACEHOLDER);
  text = text.replace(NOTICE_PLACEHOLDER, ' ');
  strip(EMOTICON);
  strip(EMOJI);
  const hasHan = HAN.test(text);

  // Error shapes and identifiers are read before filler removal: "OK" inside a log line is data.
  const errorShape = ERROR_PATTERNS.some((re) => re.test(text)) ? 1 : 0;
  const technical = Math.min(3, technicalTokens(text, hasHan).size);

  const fill = removeFiller(text);
  const residual = fill.residual;
  const nonSpace = text.replace(/\s+/g, '');
  const punctChars = (nonSpace.match(PUNCT) ?? []).length;
  const residualChars = residual.replace(/\s+/g, '').replace(PUNCT, '').length;
  const meaningful = residualChars + fill.chars + fill.address;

  const { content, english } = contentWords(residual);
  const interrogative = Math.min(2, interrogatives(residual));
  const questionMark = /[?]/.test(text) ? 1 : 0;
  const request = REQUEST.test(residual) ? 1 : 0;
  // Small talk is the whole line, not an aside in a longer or technical one (…研究这么多网络干嘛呢).
  const smalltalk = content <= 3 && technical === 0 && SMALLTALK.some((re) => re.test(text)) ? 1 : 0;
  const personal = !hasHan && technical === 0 && errorShape === 0 && request === 0;
  // "your refund policy" is about the company; "your name", "are you a fan of…" about the bot.
  const aboutBot =
    content <= 1 || PERSONA.test(english) || /\b(?:are|do|did|can|could|will|would|have|were) you\b/iu.test(english);
  const secondPersonChat = personal && aboutBot && SECOND_PERSON.test(english) ? 1 : 0;
  const firstPersonChat = personal && !secondPersonChat && FIRST_PERSON_STATE.test(english) ? 1 : 0;
  const statement =
    content >= 3 && interrogative === 0 && !questionMark && !/\b(?:i|me|my|you|your|u)\b|[我你您]/iu.test(residual)
      ? 1
      : 0;

  const features: TriageFeatures = {
    contentWords: content,
    length: Math.log1p(Math.min(content, 20)),
    interrogative,
    questionMark,
    request,
    technical,
    errorShape,
    statement,
    filler: meaningful > 0 ? fill.chars / meaningful : 0,
    emoji: emojiChars > 0 ? emojiChars / (emojiChars + meaningful) : 0,
    punctuation: nonSpace.length > 0 ? punctChars / nonSpace.length : 0,
    secondPersonChat,
    firstPersonChat,
    smalltalk,
  };
  return { features, emojiChars, residualChars, dominantFiller: fill.dominant };
}

// --- Filler: greetings, thanks, acknowledgements, laughter ---------------------------------------

type FillerKind = 'greeting' | 'thanks' | 'acknowledgement' | 'address';

// Whole clauses only (or a clause's leading/trailing multi-character run), so 好 in 好用 and
// 收到 in 收到的结果 stay content. Address terms (大佬们, hi all's "all") are filler but not a reason.
const words = (list: string) => list.split('|');
const FILLER_WORDS: Record<FillerKind, string[]> = {
  greeting: words(
    '你好|您好|大家好|各位好|大家早|早上好|上午好|中午好|下午好|晚上好|早安|午安|晚安|早|' +
      '哈喽|嗨|拜拜|再见|回见|在吗|在不在|hi there|hello there|hi|hello|hey|hiya|howdy|yo|greetings|' +
      'good morning|good afternoon|good evening|good night|good day|morning|evening|night|nighty night|' +
      'gm|gn|bye|goodbye|see you later|see you|see ya|later|cya|ttyl|talk to you later',
  ),
  thanks: words(
    '谢谢|多谢|感谢|感恩|谢啦|谢了|辛苦了|辛苦|麻烦了|3q|thx|thanks|thank you|thank u|ty|tks|kthx|' +
      'many thanks|much appreciated|appreciate it|cheers',
  ),
  acknowledgement: words(
    '好的|好滴|好哒|好嘞|好吧|好|收到|了解|明白|懂了|知道了|原来如此|原来是这样|行|可以|对|对的|' +
      '是的|是滴|没错|确实|有道理|赞|点赞|牛|牛逼|牛啊|厉害|强|太强了|妙|学到了|学习了|码住|' +
      '同问|同求|顶|支持|有意思|好家伙|绝了|笑死|草|tql|yyds|nb|xswl|mark|ok|okay|k|kk|yes|yeah|' +
      'yep|yup|sure|cool|nice|great|awesome|perfect|got it|noted|right|correct|true|agreed|' +
      'works for me|np|no problem|oh|ah|wow|lmao|rofl',
  ),
  address: words(
    '各位大佬们|各位大佬|大佬们|大佬|各位老师|各位朋友|各位|群友们|群友|佬们|朋友们|兄弟们|老哥们|' +
      '家人们|大家|啊|呀|哈|啦|呢|了|的|呗|诶|all|everyone|everybody|guys|folks|so much|very much|' +
      'a lot|so|very|again',
  ),
};
// Repeated-letter forms: 哈哈哈, 嗯嗯, hhh, lol, hahaha, 666, +1.
const ACK_FORMS = String.raw`[嗯恩哦噢喔哇]+|[哈呵嘿嘻]{2,}|h{2,}|lo+l|(?:ha){2,}h?|(?:he){2,}|23{2,}|6{1,}|\+1`;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (kind: FillerKind) =>
  [...FILLER_WORDS[kind]]
    .sort((x, y) => y.length - x.length)
    .map(escapeRegExp)
    .join('|');
const KIND_RE: [FillerKind, RegExp][] = (['greeting', 'thanks', 'acknowledgement', 'address'] as const).map((k) => [
  k,
  new RegExp(`^(?:${alternation(k)}${k === 'acknowledgement' ? `|${ACK_FORMS}` : ''})`, 'iu'),
]);
// A leading/trailing run is stripped only if it is a multi-character Chinese phrase or a whole
// Latin word: 好用 keeps its 好, "hint" its "hi".
const MULTI_HAN = /^\p{Script=Han}{2,}$/u;
// Fillers that also open real questions: 可以用吗, 支持多卡吗, 确实有这个问题, right now, sure that…
const NOT_LEADING = new Set(words('可以|支持|确实|对的|有意思|厉害|牛逼|right|sure|true|great|so|very|again|all'));

const PLUS_ONE = /(?<![\p{L}\p{N}])\+1(?![\p{N}])/gu;

function removeFiller(text: string): {
  residual: string;
  chars: number;
  address: number;
  dominant?: 'greeting' | 'thanks' | 'acknowledgement';
} {
  const byKind: Record<FillerKind, number> = { greeting: 0, thanks: 0, acknowledgement: 0, address: 0 };
  byKind.acknowledgement += (text.match(PLUS_ONE) ?? []).length * 2;
  // Clauses end at punctuation (not an apostrophe: what's, I'm); spaces stay inside a clause.
  const clauses = text
    .replace(PLUS_ONE, ' ')
    .split(/(?:(?!['’])[\p{P}\p{S}])+/u)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);
  const kept: string[] = [];
  for (const clause of clauses) {
    const whole = consume(clause, byKind, false);
    if (whole === '') continue;
    kept.push(trimTrailing(consume(clause, byKind, true), byKind));
  }
  // Address terms are not penalised: "大佬们，请问…" is how questions open in a group.
  const chars = byKind.greeting + byKind.thanks + byKind.acknowledgement;
  const address = byKind.address;
  const named = (['thanks', 'greeting', 'acknowledgement'] as const).filter((k) => byKind[k] > 0);
  let dominant = named.sort((x, y) => byKind[y] - byKind[x])[0];
  if (!dominant && byKind.address > 0) dominant = 'greeting';
  // Kept clauses are rejoined with a full stop so clause-start cues ("Hi all, how do I…") still see one.
  return { residual: kept.join(' . '), chars, address, dominant };
}

/** Strips filler from the start of a clause; `partial` allows stopping before the end. */
function consume(clause: string, byKind: Record<FillerKind, number>, partial: boolean): string {
  const counts: Record<FillerKind, number> = { greeting: 0, thanks: 0, acknowledgement: 0, address: 0 };
  let rest = clause;
  for (;;) {
    const hit = matchFiller(rest);
    if (!hit) break;
    const [kind, m] = hit;
    const after = rest.slice(m.length);
    const boundary = after === '' || /^[\s]/u.test(after) || (HAN.test(m) && HAN.test(after[0] ?? ''));
    if (!boundary) break;
    if (partial && (NOT_LEADING.has(m) || !(MULTI_HAN.test(m) || /^[A-Za-z]/.test(m)))) break;
    counts[kind] += [...m].length;
    rest = after.trimStart();
  }
  if (!partial && rest !== '') return clause;
  for (const k of Object.keys(counts) as FillerKind[]) byKind[k] += counts[k];
  return rest;
}

function matchFiller(s: string): [FillerKind, string] | undefined {
  let best: [FillerKind, string] | undefined;
  for (const [kind, re] of KIND_RE) {
    const m = re.exec(s)?.[0];
    // Latin filler must end at a word boundary: "hint" is not "hi" + "nt".
    if (!m || (/[A-Za-z]$/.test(m) && /^[A-Za-z]/.test(s.slice(m.length)))) continue;
    if (!best || m.length > best[1].length) best = [kind, m];
  }
  return best;
}

/** 怎么办啊哈哈哈 → 怎么办啊: laughter or thanks closing a Chinese clause. */
function trimTrailing(clause: string, byKind: Record<FillerKind, number>): string {
  const m = /(?:[哈呵嘿嘻]{2,}|谢谢(?:大佬|各位)?|多谢|感谢)$/u.exec(clause);
  if (!m || m.index === 0) return clause;
  byKind[/谢/.test(m[0]) ? 'thanks' : 'acknowledgement'] += m[0].length;
  return clause.slice(0, m.index);
}

// --- Content words -----------------------------------------------------------------------------

// Function words, pronouns, light verbs and chat words carry no topic: they do not make a line
// long enough to be worth a lookup. Passed through the same tokenizer, so stems compare to stems.
const EN_FUNCTION = `i me my mine myself you your yours yourself u ur we us our he him his she her they them their it
  its this that these those there here what whats how hows why when where which who whom whose
  am is are was were be been being do does did doing done have has had having can could will would
  shall should may might must a an the and or but if then so as of at by for from in into on onto to
  with without about over under up down out off just very really too also much many more most some
  any all no not yes yeah ok okay please pls get got go going gonna want wanna like think know let
  make say tell see look feel thing things something anything one ever never always still again now
  today tonight well good bad sure lol haha hi hello hey thanks thank s t don doesn didn isn aren re ll ve d m`;
const EN_FUNCTION_TERMS = new Set(tokenizer.tokenize(EN_FUNCTION));
const ZH_FUNCTION = new Set(
  `的 了 吗 呢 吧 啊 呀 哦 嘛 么 啦 哈 呗 诶 嗯 是 在 我 你 您 他 她 它 我们 你们 他们 她们 大家 这 那 这个 那个 这些 那些
  这样 那样 这种 那种 这么 那么 就 都 也 还 很 太 又 再 才 把 被 给 和 跟 与 及 或 或者 而 但 但是 所以 因为 如果 然后 就是 还是
  一个 一下 一些 有点 什么 怎么 怎么样 怎样 如何 为什么 为啥 为何 啥 哪 哪个 哪些 哪里 谁 多少 几 咋 是否 能否 可否 请问
  会 能 要 想 可以 得 地 着 过 个 些 下 上 里 中 其实 感觉 觉得 应该 可能 好像 真的 话说 不 没 没有 有`.split(/\s+/),
);

/** Content words of the residual text: Latin terms (analysed) and jieba words of each Han run. */
function contentWords(residual: string): { content: number; english: string } {
  let content = 0;
  const latin: string[] = [];
  for (const m of residual.matchAll(/(\p{Script=Han}+)|[^\s\p{Script=Han}]+/gu)) {
    if (m[1] !== undefined) {
      // A lone character (用, 看, 走) is mostly a light verb; a word of two or more (打印机, 年假) names something.
      for (const w of hanRunWords(tokenizer, m[1])) if (!ZH_FUNCTION.has(w)) content += w.length > 1 ? 1 : 0.5;
    } else latin.push(m[0]);
  }
  const terms = new Set(tokenizer.tokenize(latin.join(' ')));
  for (const t of terms) {
    // Bare numbers ("Testing 1 2 3") are not words; identifiers with digits are, via `technical`.
    if (!EN_FUNCTION_TERMS.has(t) && !/^\p{N}+(?:\.\p{N}+)*$/u.test(t) && t.length > 1) content++;
  }
  return { content, english: latin.join(' ') };
}

// --- Question, request, error and chat cues ------------------------------------------------------

const ZH_INTERROGATIVES = [
  /[吗嘛]|呢(?=[\s\p{P}]|$)|么(?=[\s\p{P}]|$)/u, // sentence particles; 么 only final (not 那么/这么)
  /如何|怎么|怎样|咋|为什么|为啥|为何|什么|啥|哪|谁|多少|多大|多久|多长|几[个种天次年张层位点台块倍]/u,
  /是否|能否|可否|有没有|是不是|能不能|会不会|可不可以|要不要|行不行|对不对|用不用|需不需要|有无/u,
];
const EN_QUESTION_START =
  /(?:^|[.!?;,:]\s*)(?:what|whats|how|hows|why|when|where|which|who|whom|whose|can|could|does|do|did|is|are|was|were|should|would|will|shall|may|might|has|have|had|any(?:one|body)?|is there|are there)\b/iu;

/** Chinese marks a question twice as often (为什么…呢), so it may score 2; English at most 1. */
function interrogatives(residual: string): number {
  let n = 0;
  for (const re of ZH_INTERROGATIVES) if (re.test(residual)) n++;
  const enWh = /\b(?:what|why|how (?:to|do|does|can|should|many|much|long|often))\b/iu;
  if (EN_QUESTION_START.test(residual.trim()) || enWh.test(residual)) n++;
  return n;
}

const REQUEST =
  /请问|请教|求助|求教|求问|想问|问一?下|咨询|帮忙|帮我|帮看|麻烦|有没有(?:大佬|人|朋友)|有大佬|有人|谁知道|谁有|求分享|求推荐|\bhelp\b|\bplease\b|\bpls\b|\banyone\b|\bany idea|\bis there a way\b|\bhow (?:do|can) i\b/iu;

const ERROR_PATTERNS = [
  /Traceback \(most recent call last\)/u,
  /\b[A-Z]\w*(?:Error|Exception|Fault)\b/u,
  /(?:^|\s)(?:error|fatal|panic|FAILED|ERROR|E\d{4}|warning)\s*[:：]/imu,
  /\bFile "[^"]+", line \d+/u,
  /^\s*at [\w$.<>]+ \(.+:\d+(?::\d+)?\)/mu,
  /\b(?:segmentation fault|core dumped|exit (?:code|status) -?\d+|no module named|command not found|undefined reference|permission denied|out of memory|cuda error)\b/iu,
  /报错|出错|错误|异常|失败|跑不通|跑不起来|起不来|装不上|卡住|崩了|不生效|不work/u,
];

const SECOND_PERSON = /\b(?:you|your|yours|yourself|you're|youre|u|ur|r u)\b/iu;
const PERSONA =
  /\b(?:name|age|old|born|birthday|gender|male|female|favou?rite|hobb(?:y|ies)|famil(?:y|ies)|mom|mother|dad|father|parents?|brothers?|sisters?|siblings?|boss|friends?|love|like|hate|feel|feelings?|sleep|eat|hungry|tired|happy|sad|real|human|robot|bot|alive|married|single|girlfriend|boyfriend|wife|husband|smart|funny|boring|pretty|beautiful|ugly|think)\b/iu;
const FIRST_PERSON_STATE =
  /^\W*(?:i'm|im|i am|i feel|i was|i want|i wanna|i love|i hate|i miss|i wish|i need|i think|i just|i got|i have|i can|i like|nobody|here i am)\b/iu;

// Phatic lines whose topic is the chat itself. Work-life topics (房价, 年终奖) are deliberately not
// here: in a company KB they are what the HR handbook answers.
const SMALLTALK = [
  /吃了(?:吗|没|么)|吃饭了(?:吗|没)|今天天气|天气(?:不错|真好|好好|好冷|好热)|在干嘛|干嘛呢|忙吗|忙不忙|最近(?:怎么样|好吗|如何)|睡了(?:吗|没)|你是谁|你叫什么|你几岁|你多大了?/u,
  /\b(?:how are (?:you|things|u)|how'?s (?:it going|your day|life)|what'?s up|what is up|what'?s new|wh?at'?s happening|what'?s going on|nice to meet you|tell (?:me )?a joke|are you (?:real|human|a bot|a robot|there|busy|free|ok|okay)|who are you|what'?s your name|how old are you|meaning of life|i love you|i miss you)\b/iu,
];

// --- Technical tokens --------------------------------------------------------------------------

// Words that look like identifiers or acronyms but are chat: LOL, BRB, OK, 3q, 2333.
const CHAT_TOKENS = new Set(
  'ok okay lol lmao rofl brb omg bff bffs idk thx ty np kk hh hhh emm emmm emmmm hmm hmmm hmmmm btw anyway ps qwq qaq orz happy yyds tql nb xswl mark the emoji sys msg up'.split(
    ' ',
  ),
);
const TECH_SHAPES = [
  /^[\p{L}_][\p{L}\p{N}_]*\p{N}/u, // letters then digits: cuda11.8, InternLM2, yolov8, a100, rk3588
  /^\p{N}+[A-Za-z]{1,}\p{N}*$/u, // 4bit, 8xb32, 3d, 12nm
  /_/u, // snake_case, __init__
  /^[.\w-]*\w\.[A-Za-z_]\w*/u, // dotted: setup.py, torch.cuda, mmcv._ext
  /^\p{Ll}+\p{Lu}|^\p{Lu}\p{Ll}+\p{Lu}/u, // camelCase, PascalCase: mmEngine, ReadMe, PyTorch
  /^\p{Lu}{2,}\p{Ll}?s?$/u, // acronyms: GPU, LLM, GPUs
  /[/\\]/u, // paths, and slash-joined names
  /^-{1,2}[A-Za-z]/u, // CLI flags
  /[=(){}<>`]|::|->|=>/u, // code
];

function technicalTokens(text: string, hasHan: boolean): Set<string> {
  const found = new Set<string>();
  for (const m of text.matchAll(/[^\s\p{Script=Han}\u3000-\u303f\uff00-\uffef，。！？、；：“”‘’（）《》【】]+/gu)) {
    const tok = m[0].replace(/^["'“‘([{<,;:!?]+|["'”’)\]}>,;:!?.]+$/gu, '');
    if (tok.length < 2 || CHAT_TOKENS.has(tok.toLowerCase()) || /^[\p{N}.,%+\-*]+$/u.test(tok)) continue;
    // In Chinese text a Latin word is almost always a name: mmcv, docker, onnx, vulkan.
    const latinInHan = hasHan && /^[A-Za-z][A-Za-z-]+$/u.test(tok) && !/^(?:e+m+|h+m+|a+h*|o+h*|e+h*)$/i.test(tok);
    if (latinInHan || TECH_SHAPES.some((re) => re.test(tok))) found.add(tok.toLowerCase());
  }
  return found;
}
