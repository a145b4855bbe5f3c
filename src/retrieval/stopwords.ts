// Stopword lists for the lexical index. Changing either list changes the terms of every indexed
// chunk, so a change needs a re-index of the lexical terms.

/**
 * Lucene's English stop set (EnglishAnalyzer / Elasticsearch `_english_`), the list the published
 * BM25 baselines use. Measured against the longer NLTK list (179 words): see the report in
 * tokenizer.ts — the short list scored no worse and keeps words like "not", "no", "only", "after"
 * out of the stop list, which matter in questions.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'for',
  'if',
  'in',
  'into',
  'is',
  'it',
  'no',
  'not',
  'of',
  'on',
  'or',
  'such',
  'that',
  'the',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'to',
  'was',
  'will',
  'with',
]);
