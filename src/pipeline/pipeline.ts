// The answer pipeline's shape: state flows through small steps, each appending one trace entry;
// the runner stops at the first reject. Steps live one per file beside this one.
import type { KnowledgeBase } from '../knowledge/kbs.repository';
import type { FusedHit } from '../retrieval/fusion';
import type { EvidenceFeatures, TermStats } from './evidence';

export type StepName = 'intake' | 'triage' | 'retrieve' | 'gate' | 'answer' | 'verify' | 'deliver';

export type RejectReason =
  'empty' | 'duplicate' | 'not_a_question' | 'low_evidence' | 'unsupported_answer' | 'policy' | 'engine_unavailable';

export type Decision = 'answer' | 'reject';

export interface TraceEntry {
  step: StepName;
  /** A short summary of what the step looked at. */
  input: string;
  output: unknown;
  score?: number;
  threshold?: number;
  decision: 'continue' | 'reject' | 'answer';
  reason?: RejectReason;
  /** Which adapter or model produced the output: 'builtin-…' or the engine's model id. */
  adapter: string;
  promptVersion?: string;
  tokens?: { prompt: number; completion: number };
  modelCalls: number;
  durationMs: number;
}

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  sender?: string;
}

export interface Citation {
  n: number;
  chunkId: string;
  documentId: string;
  title: string;
  page: number | null;
  headingPath: string[];
  quote: string;
}

export interface AskInput {
  question: string;
  conversation?: ConversationTurn[];
  /** 'api', 'openai', 'slack', 'feishu', 'wecom', 'eval', … */
  channel: string;
  /** Stream answer text as it is generated (the API's SSE and the OpenAI endpoint). */
  onDelta?: (text: string) => void;
}

export interface PipelineState {
  kb: KnowledgeBase;
  input: AskInput;
  /** The question after intake's normalisation. */
  question: string;
  /** What retrieval searches for: the question, or triage's standalone rewrite. */
  query: string;
  /** Analysed query terms, from retrieval. */
  terms?: string[];
  triageScore?: number;
  termStats?: TermStats;
  hits: FusedHit[];
  evidence?: number;
  features?: EvidenceFeatures;
  answer?: string;
  /** The answer with its sources, as a chat shows it. */
  reply?: string;
  citations: Citation[];
  decision?: Decision;
  reason?: RejectReason;
  modelCalls: number;
  trace: TraceEntry[];
}

/** What a step reports; the runner adds the step name and timing. */
export interface StepReport {
  input: string;
  output: unknown;
  score?: number;
  threshold?: number;
  /** Set to stop the run. */
  reject?: RejectReason;
  /** Set by the step that produces the final answer. */
  answered?: boolean;
  adapter: string;
  promptVersion?: string;
  tokens?: { prompt: number; completion: number };
  modelCalls?: number;
}

export interface PipelineStep {
  readonly name: StepName;
  run(state: PipelineState): Promise<StepReport>;
}

/** Runs the steps in order; the first reject ends the run. Never throws for a step's verdict. */
export async function runPipeline(state: PipelineState, steps: PipelineStep[]): Promise<PipelineState> {
  for (const step of steps) {
    const started = performance.now();
    const report = await step.run(state);
    const calls = report.modelCalls ?? 0;
    state.modelCalls += calls;
    state.trace.push({
      step: step.name,
      input: report.input,
      output: report.output,
      ...(report.score !== undefined && { score: round(report.score) }),
      ...(report.threshold !== undefined && { threshold: round(report.threshold) }),
      decision: report.reject ? 'reject' : report.answered ? 'answer' : 'continue',
      ...(report.reject && { reason: report.reject }),
      adapter: report.adapter,
      ...(report.promptVersion && { promptVersion: report.promptVersion }),
      ...(report.tokens && { tokens: report.tokens }),
      modelCalls: calls,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
    if (report.reject) {
      state.decision = 'reject';
      state.reason = report.reject;
      return state;
    }
  }
  state.decision = state.answer ? 'answer' : 'reject';
  return state;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
