// The adapters the configuration asks for: the OpenAI-compatible engine and /rerank endpoint when
// set, the built-in ones otherwise.
import type { Provider } from '@nestjs/common';
import { CONFIG, type FennelConfig } from '../config/config';
import { CHAT_MODEL } from '../pipeline/ask.service';
import { BuiltinReranker } from '../retrieval/builtin-reranker';
import { OpenAIChatModel } from './chat-model';
import { Embedders } from './embedders';
import { HttpReranker, RERANKER } from './reranker';

export const chatModelProvider: Provider = {
  provide: CHAT_MODEL,
  inject: [CONFIG],
  useFactory: (c: FennelConfig) => (c.llm ? new OpenAIChatModel(c.llm) : null),
};

export const rerankerProvider: Provider = {
  provide: RERANKER,
  inject: [CONFIG],
  useFactory: (c: FennelConfig) =>
    c.rerank
      ? new HttpReranker({ ...c.rerank, apiKey: c.llm?.apiKey, timeoutMs: c.llm?.timeoutMs ?? 30_000 })
      : new BuiltinReranker(),
};

export const embeddersProvider: Provider = {
  provide: Embedders,
  inject: [CONFIG],
  useFactory: (c: FennelConfig) => new Embedders(c.embed),
};
