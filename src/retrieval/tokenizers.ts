// One Tokenizer per distinct custom-word list, shared by every KB that uses that list.
import { Tokenizer } from './tokenizer';

const cache = new Map<string, Tokenizer>();
const MAX_CACHED = 64;

/** A KB's tokenizer: its `retrieval.customWords` (product names kept whole) on the shared analysis. */
export function tokenizerFor(settings: Record<string, unknown>): Tokenizer {
  const words = ((settings.retrieval as { customWords?: string[] } | undefined)?.customWords ?? []).slice().sort();
  const key = words.join('\u0001');
  let t = cache.get(key);
  if (!t) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    t = new Tokenizer({ customWords: words });
    cache.set(key, t);
  }
  return t;
}
