// Step 5: the answer. With an engine: one call over the fenced, numbered passages, streamed
// when the caller streams; citations that point at no passage are removed and an answer left
// with none is rejected. Without one, or when the engine fails and the KB allows it: the
// extractive answer.
import type { ChatModel, ChatResult } from '../inference/chat-model';
import { EngineError } from '../inference/engine-error';
import type { Tokenizer } from '../retrieval/tokenizer';
import { checkCitations } from './citations';
import { extractiveAnswer } from './extractive';
import { clip } from './intake.step';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';
import { ANSWER_PROMPT_VERSION, answerMessages } from './prompts';

export const NO_ANSWER = 'NO_ANSWER';

export interface AnswerOptions {
  /** What an engine failure turns into: the extractive answer, or a reject. */
  onEngineFailure: 'extractive' | 'reject';
  maxTokens: number;
}

export class AnswerStep implements PipelineStep {
  readonly name = 'answer' as const;

  constructor(
    private readonly tokenizer: (state: PipelineState) => Tokenizer,
    private readonly model?: ChatModel,
    private readonly opts: AnswerOptions = { onEngineFailure: 'extractive', maxTokens: 1024 },
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    if (!this.model) return this.extractive(state, 'builtin-extractive-v1');
    let res: ChatResult;
    try {
      res = await this.generate(state, this.model);
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      const why = `engine failed: ${err.message}`;
      if (this.opts.onEngineFailure === 'reject') {
        return {
          input: clip(state.question),
          output: { error: why },
          adapter: this.model.id,
          modelCalls: 1,
          reject: 'engine_unavailable',
        };
      }
      return { ...(await this.extractive(state, 'builtin-extractive-v1', why)), modelCalls: 1 };
    }
    const base = {
      input: `${clip(state.question)} · ${state.hits.length} passages`,
      adapter: this.model.id,
      promptVersion: ANSWER_PROMPT_VERSION,
      tokens: { prompt: res.promptTokens, completion: res.completionTokens },
      modelCalls: 1,
    };
    if (res.content.trim().startsWith(NO_ANSWER)) {
      return { ...base, output: { raw: clip(res.content) }, reject: 'unsupported_answer' };
    }
    const checked = checkCitations(res.content, state.hits);
    if (checked.citations.length === 0) {
      return {
        ...base,
        output: { raw: clip(res.content, 400), invalidCitations: checked.invalid },
        reject: 'unsupported_answer',
      };
    }
    state.answer = checked.text;
    state.citations = checked.citations;
    return {
      ...base,
      output: {
        answer: clip(checked.text, 400),
        cited: checked.citations.map((c) => c.n),
        invalidCitations: checked.invalid,
      },
      answered: true,
    };
  }

  private async generate(state: PipelineState, model: ChatModel): Promise<ChatResult> {
    const req = {
      messages: answerMessages(state.question, state.hits),
      temperature: 0.2,
      maxTokens: this.opts.maxTokens,
    };
    const onDelta = state.input.onDelta;
    if (!onDelta) return model.complete(req);
    const stream = model.stream(req);
    // Hold the first characters back until they cannot be the NO_ANSWER marker, so a refusal
    // never reaches the client as text.
    let pending = '';
    let phase: 'holding' | 'released' | 'refused' = 'holding';
    for await (const delta of stream) {
      if (phase === 'released') onDelta(delta);
      if (phase !== 'holding') continue;
      pending += delta;
      const head = pending.trimStart();
      if (head.startsWith(NO_ANSWER)) phase = 'refused';
      else if (!NO_ANSWER.startsWith(head)) {
        phase = 'released';
        onDelta(pending);
      }
    }
    if (phase === 'holding' && pending.trim()) onDelta(pending);
    return stream.result;
  }

  private async extractive(state: PipelineState, adapter: string, fallback?: string): Promise<StepReport> {
    const text = extractiveAnswer(state.question, state.hits, this.tokenizer(state));
    const checked = checkCitations(text, state.hits);
    state.answer = checked.text;
    state.citations = checked.citations;
    state.input.onDelta?.(checked.text);
    return {
      input: `${clip(state.question)} · ${state.hits.length} passages`,
      output: {
        answer: clip(checked.text, 400),
        cited: checked.citations.map((c) => c.n),
        ...(fallback && { fallback }),
      },
      adapter,
      answered: checked.citations.length > 0,
      ...(checked.citations.length === 0 && { reject: 'unsupported_answer' as const }),
    };
  }
}
