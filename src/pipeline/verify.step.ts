// Step 6: the content policy, always; then, only when the answer looks doubtful (much of it
// not found in the passages it cites) and the call budget allows, one model check.
import type { ChatModel } from '../inference/chat-model';
import { EngineError } from '../inference/engine-error';
import type { Tokenizer } from '../retrieval/tokenizer';
import { splitSentences } from './extractive';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';
import { checkPolicy, type ContentPolicy } from './policy';
import { VERIFY_PROMPT_VERSION, verifyMessages } from './prompts';

/** At most this many model calls for an answered question (HuixiangDou makes five). */
export const CALL_BUDGET = 2;
/** Below this share of supported sentences an answer is doubtful. */
export const SUPPORT_THRESHOLD = 0.6;

export class VerifyStep implements PipelineStep {
  readonly name = 'verify' as const;

  constructor(
    private readonly tokenizer: (state: PipelineState) => Tokenizer,
    private readonly policy: (state: PipelineState) => ContentPolicy,
    private readonly model?: ChatModel,
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    const answer = state.answer ?? '';
    const verdict = checkPolicy(answer, this.policy(state));
    if (!verdict.allowed) {
      return { input: 'answer', output: { policy: verdict.matched }, adapter: 'builtin-policy', reject: 'policy' };
    }
    const support = supportRatio(answer, state, this.tokenizer(state));
    const base = { input: 'answer', score: support, threshold: SUPPORT_THRESHOLD };
    if (support >= SUPPORT_THRESHOLD || !this.model || state.modelCalls >= CALL_BUDGET) {
      const skipped = support < SUPPORT_THRESHOLD ? (this.model ? 'call budget spent' : 'no model') : undefined;
      return {
        ...base,
        output: { policy: 'ok', support, ...(skipped && { modelCheck: `skipped: ${skipped}` }) },
        adapter: 'builtin-support-v1',
      };
    }
    try {
      const res = await this.model.complete({
        messages: verifyMessages(state.question, answer, state.hits),
        json: true,
        temperature: 0,
        maxTokens: 200,
      });
      const m = /\{[\s\S]*\}/.exec(res.content);
      const parsed = m ? (JSON.parse(m[0]) as { supported?: unknown; reason?: unknown }) : {};
      const supported = parsed.supported !== false;
      return {
        ...base,
        output: { policy: 'ok', support, supported, reason: parsed.reason },
        adapter: this.model.id,
        promptVersion: VERIFY_PROMPT_VERSION,
        tokens: { prompt: res.promptTokens, completion: res.completionTokens },
        modelCalls: 1,
        ...(!supported && { reject: 'unsupported_answer' as const }),
      };
    } catch (err) {
      if (!(err instanceof EngineError) && !(err instanceof SyntaxError)) throw err;
      // The check is a second opinion; losing it keeps the answer the first step vouched for.
      return {
        ...base,
        output: { policy: 'ok', support, modelCheck: `failed: ${(err as Error).message}` },
        adapter: this.model.id,
        modelCalls: 1,
      };
    }
  }
}

/** Share of the answer's sentences whose terms mostly appear in the passages they cite. */
export function supportRatio(answer: string, state: PipelineState, tokenizer: Tokenizer): number {
  const sentences = splitSentences(answer);
  if (sentences.length === 0) return 0;
  let supported = 0;
  for (const s of sentences) {
    const cited = [...s.matchAll(/\[(\d+)\]/g)].map((m) => state.hits[Number(m[1]) - 1]).filter((h) => h !== undefined);
    const pool = cited.length ? cited : state.hits;
    const have = new Set(pool.flatMap((h) => tokenizer.tokenize(h.text)));
    const terms = [...new Set(tokenizer.tokenize(s.replace(/\[\d+\]/g, '')))];
    if (terms.length === 0 || terms.filter((t) => have.has(t)).length / terms.length >= 0.5) supported++;
  }
  return supported / sentences.length;
}
