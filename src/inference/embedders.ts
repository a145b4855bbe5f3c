// Which embedder a KB's vectors come from. A KB records its embedder as an id (model and
// dimension); this turns ids and KB settings into Embedder instances, one per id.
import type { FennelConfig } from '../config/config';
import { BuiltinEmbedder } from './builtin-embedder';
import type { Embedder } from './embedder';
import { EngineError } from './engine-error';
import { OpenAIEmbedder } from './openai-embedder';

export const BUILTIN_EMBEDDER_ID = 'builtin-hash-512';

/**
 * Vectors live inline in the chunk row (PLAIN storage, migration 0005), so one must fit an 8 kB
 * page beside the row's other inline columns; HNSW itself stops at 2,000.
 */
export const MAX_EMBEDDING_DIMENSION = 1900;

/** A KB's `embedding` setting: a model on the embedding server, or "builtin". */
export interface EmbeddingChoice {
  model: string;
  /** Ask a Matryoshka model for vectors this long (sends `dimensions`). */
  dimension?: number;
}

// openai:<model>:<dimension> for the model's own length, openai:<model>:dim<n> when asked for n.
// Model names may hold ':' and '/' (Ollama tags, Hugging Face ids): the dimension is the last part.
const OPENAI_ID = /^openai:(.+):(dim)?(\d+)$/;

export class EmbedderUnavailableError extends EngineError {}

export class Embedders {
  private readonly byId = new Map<string, Embedder>();

  constructor(
    private readonly server?: FennelConfig['embed'],
    builtin: Embedder = new BuiltinEmbedder(),
  ) {
    this.byId.set(builtin.id, builtin);
  }

  /** What a KB gets when it names no model: the configured default, else the built-in one. */
  get defaultChoice(): EmbeddingChoice {
    return this.server?.defaultModel ?? { model: 'builtin' };
  }

  /** The embedder behind a recorded id. Throws EmbedderUnavailableError when no server is configured. */
  forId(id: string): Embedder {
    const known = this.byId.get(id);
    if (known) return known;
    const m = OPENAI_ID.exec(id);
    if (!m) throw new Error(`unknown embedder id "${id}"`);
    const dimension = Number(m[3]);
    const embedder = this.remote({ model: m[1]!, dimension, requestDimensions: m[2] === 'dim' });
    this.byId.set(id, embedder);
    return embedder;
  }

  /**
   * Turns a KB setting into its embedder, asking the server once for the dimension when the
   * setting names none — so a wrong model name or an unreachable server fails the settings
   * change, not a background job later.
   */
  async resolve(choice: EmbeddingChoice): Promise<Embedder> {
    if (choice.model === 'builtin') return this.forId(BUILTIN_EMBEDDER_ID);
    const embedder = this.remote({
      model: choice.model,
      dimension: choice.dimension,
      requestDimensions: choice.dimension !== undefined,
    });
    const dimension = await embedder.probe();
    if (dimension > MAX_EMBEDDING_DIMENSION) {
      throw new EngineError(
        choice.model,
        `returns ${dimension}-dimensional vectors; Fennel stores at most ${MAX_EMBEDDING_DIMENSION}. ` +
          `Set "dimension" (e.g. 1024) if the model can shorten its vectors (Matryoshka), or choose another model`,
      );
    }
    if (!this.byId.has(embedder.id)) this.byId.set(embedder.id, embedder);
    return this.byId.get(embedder.id)!;
  }

  private remote(o: { model: string; dimension?: number; requestDimensions: boolean }): OpenAIEmbedder {
    if (!this.server) {
      throw new EmbedderUnavailableError(
        o.model,
        'no embedding server is configured (set FENNEL_EMBED_BASE_URL or FENNEL_LLM_BASE_URL)',
      );
    }
    return new OpenAIEmbedder({ ...this.server, ...o });
  }
}
