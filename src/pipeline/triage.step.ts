// Step 2: is this a question Fennel should consider? Without a model the built-in classifier
// decides; with one, a single JSON call decides and also rewrites the question to stand alone
// using the recent group context. An engine failure falls back to the classifier.
import type { ChatModel } from '../inference/chat-model';
import { EngineUnavailableError } from '../inference/engine-error';
import { clip } from './intake.step';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';
import { TRIAGE_PROMPT_VERSION, triageMessages } from './prompts';
import { triage } from './triage-classifier';

export interface TriageVerdict {
  is_question: boolean;
  topic: string;
  standalone_query: string;
}

export class TriageStep implements PipelineStep {
  readonly name = 'triage' as const;

  constructor(
    private readonly model?: ChatModel,
    private readonly threshold?: number,
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    const builtin = triage(state.question, { threshold: this.threshold });
    state.triageScore = builtin.score;
    if (!this.model) {
      return {
        input: clip(state.question),
        output: { isQuestion: builtin.isQuestion, reason: builtin.reason, features: builtin.features },
        score: builtin.score,
        threshold: builtin.threshold,
        adapter: 'builtin-triage-v1',
        ...(!builtin.isQuestion && { reject: 'not_a_question' as const }),
      };
    }
    try {
      const res = await this.model.complete({
        messages: triageMessages(state.question, state.input.conversation ?? []),
        json: true,
        temperature: 0,
        maxTokens: 256,
      });
      const verdict = parseVerdict(res.content);
      if (verdict.standalone_query.trim()) state.query = verdict.standalone_query.trim();
      return {
        input: clip(state.question),
        output: { ...verdict, builtinScore: builtin.score },
        score: verdict.is_question ? 1 : 0,
        threshold: 0.5,
        adapter: this.model.id,
        promptVersion: TRIAGE_PROMPT_VERSION,
        tokens: { prompt: res.promptTokens, completion: res.completionTokens },
        modelCalls: 1,
        ...(!verdict.is_question && { reject: 'not_a_question' as const }),
      };
    } catch (err) {
      const failed = err instanceof EngineUnavailableError || err instanceof SyntaxError;
      if (!failed) throw err;
      return {
        input: clip(state.question),
        output: {
          isQuestion: builtin.isQuestion,
          reason: builtin.reason,
          fallback: `model triage failed: ${(err as Error).message}`,
        },
        score: builtin.score,
        threshold: builtin.threshold,
        adapter: 'builtin-triage-v1',
        modelCalls: 1,
        ...(!builtin.isQuestion && { reject: 'not_a_question' as const }),
      };
    }
  }
}

/** Engines in JSON mode still wrap objects in prose or fences now and then. */
export function parseVerdict(content: string): TriageVerdict {
  const m = /\{[\s\S]*\}/.exec(content);
  if (!m) throw new SyntaxError(`triage reply is not JSON: ${clip(content, 80)}`);
  const o = JSON.parse(m[0]) as Partial<TriageVerdict>;
  if (typeof o.is_question !== 'boolean') throw new SyntaxError('triage reply lacks is_question');
  return {
    is_question: o.is_question,
    topic: typeof o.topic === 'string' ? o.topic : '',
    standalone_query: typeof o.standalone_query === 'string' ? o.standalone_query : '',
  };
}
