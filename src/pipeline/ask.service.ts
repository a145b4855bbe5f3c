// One pipeline for every question — API, OpenAI endpoint, chat connectors, evaluation: builds
// the steps from the KB's settings and the configured adapters, runs them, records the answer.
import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../admin/errors';
import type { ChatModel } from '../inference/chat-model';
import type { KnowledgeBase } from '../knowledge/kbs.repository';
import { KbsService } from '../knowledge/kbs.service';
import { SearchRepository } from '../retrieval/search.repository';
import { SearchService } from '../retrieval/search.service';
import { tokenizerFor } from '../retrieval/tokenizers';
import { AnswerStep } from './answer.step';
import { AnswersRepository, type StoredGate } from './answers.repository';
import { DeliverStep } from './deliver.step';
import type { GateModel } from './gate-model';
import { GateStep } from './gate.step';
import { IntakeStep } from './intake.step';
import {
  runPipeline,
  type AskInput,
  type Citation,
  type Decision,
  type PipelineState,
  type PipelineStep,
  type RejectReason,
  type TraceEntry,
} from './pipeline';
import type { ContentPolicy } from './policy';
import { RetrieveStep } from './retrieve.step';
import { TriageStep } from './triage.step';
import { tuneGate, type TuneResult } from './tune';
import { VerifyStep } from './verify.step';

export const CHAT_MODEL = Symbol('ChatModel');

/** The `answer` section of a KB's settings (validated in kbs.service). */
export interface AnswerSettings {
  triageThreshold?: number;
  gateThreshold?: number;
  passages?: number;
  /** Use the configured engine for this KB (default true when one is configured). */
  useModel?: boolean;
  onEngineFailure?: 'extractive' | 'reject';
  duplicateWindowSeconds?: number;
  policy?: ContentPolicy;
}

export interface AskResult {
  answerId: string | null;
  kb: string;
  decision: Decision;
  reason: RejectReason | null;
  answer: string | null;
  /** The answer with its sources listed, as a chat shows it. */
  reply: string | null;
  citations: Citation[];
  modelCalls: number;
  durationMs: number;
  trace: TraceEntry[];
}

export interface AskOptions {
  /** Record the answer (default true); evaluation runs do not. */
  store?: boolean;
  /** Evaluation: a gate model to use instead of the KB's tuned one. */
  gate?: GateModel;
}

/**
 * Where a person asks Fennel directly and may well ask the same thing twice on purpose. Group
 * chats are the other channels: there the same line moments later is a platform redelivery or
 * a repeat, and answering twice is noise.
 */
const DIRECT_CHANNELS = new Set(['api', 'cli', 'console', 'openai']);

/** How long a tuned gate is reused before it is read again (other API processes may re-tune). */
const GATE_CACHE_MS = 10_000;

@Injectable()
export class AskService {
  private readonly gates = new Map<string, { gate: StoredGate | undefined; at: number }>();

  constructor(
    @Inject(KbsService) private readonly kbs: KbsService,
    @Inject(SearchService) private readonly search: SearchService,
    @Inject(SearchRepository) private readonly searchRepo: SearchRepository,
    @Inject(AnswersRepository) private readonly answers: AnswersRepository,
    @Inject(CHAT_MODEL) private readonly chat: ChatModel | null,
  ) {}

  async ask(kbRef: string, input: AskInput, opts: AskOptions = {}): Promise<AskResult> {
    const kb = await this.kbs.get(kbRef);
    const started = performance.now();
    const state = await runPipeline(newState(kb, input), this.steps(kb, input, opts));
    const durationMs = Math.round(performance.now() - started);
    const answered = state.decision === 'answer';
    const record = {
      kbId: kb.id,
      channel: input.channel,
      question: state.question || input.question,
      decision: state.decision!,
      reason: state.reason ?? null,
      answer: answered ? (state.answer ?? null) : null,
      citations: answered ? state.citations : [],
      trace: state.trace,
      modelCalls: state.modelCalls,
      durationMs,
    };
    const answerId = opts.store === false ? null : await this.answers.insert(record);
    return {
      answerId,
      kb: kb.slug,
      decision: record.decision,
      reason: record.reason,
      answer: record.answer,
      reply: answered ? (state.reply ?? null) : null,
      citations: record.citations,
      modelCalls: record.modelCalls,
      durationMs,
      trace: state.trace,
    };
  }

  /**
   * Intake to gate with nothing rejected on the way and no tuned model: the terms and evidence
   * features tuning learns from (its examples must be scored as the pipeline will score them).
   */
  async assess(kb: KnowledgeBase, question: string): Promise<PipelineState> {
    const state = newState(kb, { question, channel: 'tune' });
    const tokenizer = tokenizerFor(kb.settings);
    await runPipeline(state, [
      new IntakeStep(),
      new TriageStep(undefined, 0),
      this.retrieveStep(kb),
      new GateStep(
        {
          termStats: (kbId, terms) => this.searchRepo.termStats(kbId, terms),
          model: async () => undefined,
          tokenizer: () => tokenizer,
        },
        0,
      ),
    ]);
    return state;
  }

  /** Fits the KB's gate on good and bad example questions (or the ones it was last tuned on). */
  async tune(
    kbRef: string,
    examples?: { good: string[]; bad: string[] },
  ): Promise<TuneResult & { examples: { good: number; bad: number } }> {
    const kb = await this.kbs.get(kbRef);
    const ex = examples ?? (await this.answers.gate(kb.id))?.examples;
    if (!ex) throw new AppError('bad_request', 'No examples given and none stored for this knowledge base.');
    const rows = [];
    for (const [list, good] of [
      [ex.good, true],
      [ex.bad, false],
    ] as const) {
      for (const q of list) {
        const s = await this.assess(kb, q);
        if (s.features) rows.push({ terms: s.terms ?? [], features: s.features, good });
      }
    }
    let result: TuneResult;
    try {
      result = tuneGate(rows);
    } catch (err) {
      if (err instanceof RangeError) throw new AppError('bad_request', err.message);
      throw err;
    }
    await this.answers.saveGate(kb.id, { model: result.model, metrics: result.metrics, examples: ex });
    this.gates.delete(kb.id);
    return { ...result, examples: { good: ex.good.length, bad: ex.bad.length } };
  }

  async gate(kbRef: string): Promise<StoredGate | undefined> {
    const kb = await this.kbs.get(kbRef);
    return this.answers.gate(kb.id);
  }

  private async tunedGate(kbId: string): Promise<GateModel | undefined> {
    const hit = this.gates.get(kbId);
    if (hit && Date.now() - hit.at < GATE_CACHE_MS) return hit.gate?.model;
    const gate = await this.answers.gate(kbId);
    this.gates.set(kbId, { gate, at: Date.now() });
    return gate?.model;
  }

  private retrieveStep(kb: KnowledgeBase): RetrieveStep {
    const s = answerSettings(kb);
    return new RetrieveStep(
      async (kbId, query, topK) => {
        const { result, stats } = await this.search.searchWithStats(kbId, { query, topK });
        return { ...result, stats };
      },
      (kbId, terms) => this.searchRepo.termStats(kbId, terms),
      s.passages,
    );
  }

  private steps(kb: KnowledgeBase, input: AskInput, opts: AskOptions): PipelineStep[] {
    const s = answerSettings(kb);
    const model = s.useModel === false ? undefined : (this.chat ?? undefined);
    const tokenizer = tokenizerFor(kb.settings);
    const window = s.duplicateWindowSeconds ?? 30;
    return [
      new IntakeStep(
        opts.store === false || window === 0 || DIRECT_CHANNELS.has(input.channel)
          ? undefined
          : (st) => this.answers.recentlyAsked(kb.id, st.input.channel, st.question, window),
      ),
      new TriageStep(model, s.triageThreshold),
      this.retrieveStep(kb),
      new GateStep(
        {
          termStats: (kbId, terms) => this.searchRepo.termStats(kbId, terms),
          model: opts.gate ? async () => opts.gate : (kbId) => this.tunedGate(kbId),
          tokenizer: () => tokenizer,
        },
        s.gateThreshold,
      ),
      new AnswerStep(() => tokenizer, model, {
        onEngineFailure: s.onEngineFailure ?? 'extractive',
        maxTokens: 1024,
      }),
      new VerifyStep(
        () => tokenizer,
        () => s.policy ?? {},
        model,
      ),
      new DeliverStep(),
    ];
  }
}

function answerSettings(kb: KnowledgeBase): AnswerSettings {
  return (kb.settings.answer ?? {}) as AnswerSettings;
}

function newState(kb: KnowledgeBase, input: AskInput): PipelineState {
  return { kb, input, question: '', query: '', hits: [], citations: [], modelCalls: 0, trace: [] };
}
