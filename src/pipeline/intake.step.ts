// Step 1: normalise the message, keep the recent group context, drop repeats.
import type { PipelineState, PipelineStep, StepReport } from './pipeline';

/** Turns of group context kept for triage's rewrite; older lines rarely change the question. */
export const CONTEXT_TURNS = 6;
const MAX_QUESTION_CHARS = 4000;

export function normaliseQuestion(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/<@[\w.-]+>|@\S+\s/g, ' ') // platform mentions of the bot or people
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_QUESTION_CHARS);
}

export class IntakeStep implements PipelineStep {
  readonly name = 'intake' as const;

  /** `isDuplicate`: the same question in the same channel moments ago (chat platforms redeliver). */
  constructor(private readonly isDuplicate?: (state: PipelineState) => Promise<boolean>) {}

  async run(state: PipelineState): Promise<StepReport> {
    state.question = normaliseQuestion(state.input.question);
    state.query = state.question;
    const context = (state.input.conversation ?? []).slice(-CONTEXT_TURNS);
    state.input = { ...state.input, conversation: context };
    const report = {
      input: clip(state.input.question),
      output: { question: state.question, contextTurns: context.length },
      adapter: 'builtin',
    };
    if (!state.question) return { ...report, reject: 'empty' };
    if (this.isDuplicate && (await this.isDuplicate(state))) return { ...report, reject: 'duplicate' };
    return report;
  }
}

export function clip(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
