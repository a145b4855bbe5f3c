// Step 7: the reply as a chat shows it — the answer, then its numbered sources.
import type { Citation, PipelineState, PipelineStep, RejectReason, StepReport } from './pipeline';
import { languageOf } from './prompts';

export function formatReply(answer: string, citations: Citation[]): string {
  if (citations.length === 0) return answer;
  const sources = citations.map((c) => {
    const where = [c.title, ...c.headingPath.slice(-1)].filter(Boolean).join(' › ');
    return `[${c.n}] ${where}${c.page ? ` (p. ${c.page})` : ''}`;
  });
  return `${answer}\n\n${sources.join('\n')}`;
}

export class DeliverStep implements PipelineStep {
  readonly name = 'deliver' as const;

  async run(state: PipelineState): Promise<StepReport> {
    state.reply = formatReply(state.answer ?? '', state.citations);
    return {
      input: state.input.channel,
      output: { chars: state.reply.length, citations: state.citations.length },
      adapter: 'builtin',
      answered: true,
    };
  }
}

const REJECTIONS: Record<'zh' | 'en', Partial<Record<RejectReason, string>> & { default: string }> = {
  en: {
    not_a_question: "That doesn't look like a question I can look up in the knowledge base.",
    low_evidence: "I couldn't find anything in the knowledge base that answers this.",
    unsupported_answer: "The knowledge base doesn't support a reliable answer to this.",
    policy: "I can't answer that here.",
    engine_unavailable: 'The answer engine is unavailable right now; please try again later.',
    default: "I can't answer this from the knowledge base.",
  },
  zh: {
    not_a_question: '这看起来不是需要查询知识库的问题。',
    low_evidence: '知识库中没有找到能回答这个问题的内容。',
    unsupported_answer: '知识库中的内容不足以可靠地回答这个问题。',
    policy: '这个问题我无法在这里回答。',
    engine_unavailable: '回答引擎暂时不可用，请稍后再试。',
    default: '无法根据知识库回答这个问题。',
  },
};

/** What a direct chat or the API says when the pipeline stays silent in groups. */
export function rejectionText(reason: RejectReason | null, question: string): string {
  const t = REJECTIONS[languageOf(question)];
  return (reason && t[reason]) || t.default;
}
