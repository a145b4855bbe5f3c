// Step 4: can the knowledge base support an answer? The evidence features go through the KB's
// gate model (tuned on its example questions, or the default); below the threshold, silence.
import type { Tokenizer } from '../retrieval/tokenizer';
import { evidenceFeatures, EVIDENCE_FEATURES, type TermStats } from './evidence';
import { DEFAULT_GATE, exampleScore, gateScore, type GateModel } from './gate-model';
import type { PipelineState, PipelineStep, StepReport } from './pipeline';

export interface GateDeps {
  termStats(kbId: string, terms: string[]): Promise<TermStats>;
  /** The KB's tuned gate, if it has one. */
  model(kbId: string): Promise<GateModel | undefined>;
  tokenizer(state: PipelineState): Tokenizer;
}

export class GateStep implements PipelineStep {
  readonly name = 'gate' as const;

  /** `threshold`: a per-KB override of the model's own. */
  constructor(
    private readonly deps: GateDeps,
    private readonly threshold?: number,
  ) {}

  async run(state: PipelineState): Promise<StepReport> {
    const tuned = await this.deps.model(state.kb.id);
    const model = tuned ?? DEFAULT_GATE;
    const terms = state.terms ?? [];
    const stats = state.termStats ?? (await this.deps.termStats(state.kb.id, [...new Set(terms)]));
    const features = evidenceFeatures({
      question: state.question,
      terms,
      stats,
      hits: state.hits,
      tokenizer: this.deps.tokenizer(state),
      triage: state.triageScore ?? 0,
      examples: exampleScore(model.examples, terms),
    });
    const score = gateScore(model, features);
    const threshold = this.threshold ?? model.threshold;
    state.evidence = score;
    state.features = features;
    const contributions = Object.fromEntries(
      EVIDENCE_FEATURES.map((f) => [f, Math.round(model.weights[f] * features[f] * 1000) / 1000]),
    );
    return {
      input: `${terms.length} terms, ${state.hits.length} passages`,
      output: { model: tuned ? 'tuned' : 'default', features, contributions, bias: model.bias },
      score,
      threshold,
      adapter: 'builtin-gate-v1',
      ...((state.hits.length === 0 || score < threshold) && { reject: 'low_evidence' as const }),
    };
  }
}
