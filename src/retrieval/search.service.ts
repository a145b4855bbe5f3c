import { Inject, Injectable } from '@nestjs/common';
import { BuiltinEmbedder } from '../inference/builtin-embedder';
import type { Embedder } from '../inference/embedder';
import { KbsService } from '../knowledge/kbs.service';
import { SearchRepository, type ChunkHit } from './search.repository';

export const EMBEDDER = Symbol('Embedder');

export interface SearchResult {
  query: string;
  embedder: string;
  tookMs: number;
  hits: ChunkHit[];
}

@Injectable()
export class SearchService {
  constructor(
    @Inject(KbsService) private readonly kbs: KbsService,
    @Inject(SearchRepository) private readonly repo: SearchRepository,
    @Inject(EMBEDDER) private readonly embedder: Embedder,
  ) {}

  async search(kbRef: string, query: string, topK: number): Promise<SearchResult> {
    const started = performance.now();
    const kb = await this.kbs.get(kbRef);
    const [vector] = await this.embedder.embed([query]);
    const hits = await this.repo.vectorSearch(kb.id, this.embedder.id, this.embedder.dimension, vector!, topK);
    return { query, embedder: this.embedder.id, tookMs: Math.round(performance.now() - started), hits };
  }
}

export const builtinEmbedderProvider = { provide: EMBEDDER, useFactory: () => new BuiltinEmbedder() };
