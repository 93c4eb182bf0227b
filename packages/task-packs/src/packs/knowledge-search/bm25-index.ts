/** Tuning of {@link createBm25Index}. */
export interface Bm25Options {
  /** Term-frequency saturation. @default 1.2 */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full). @default 0.75 */
  b?: number;
}

/** A document's position in the indexed list and its BM25 score for a query. */
export interface Bm25Hit {
  index: number;
  score: number;
}

/** An immutable Okapi BM25 index over pre-tokenized documents. */
export interface Bm25Index {
  /** Number of indexed documents. */
  readonly size: number;
  /** Documents matching at least one query term, best first (ties by index), at most `limit`. */
  search(queryTerms: readonly string[], limit: number): Bm25Hit[];
}

/**
 * Builds an Okapi BM25 index (Robertson/Sparck Jones IDF with the +1 that keeps it positive).
 *
 * @example
 * const index = createBm25Index([tokenize('rotate api keys'), tokenize('rate limits')]);
 * index.search(tokenize('how to rotate a key'), 5); // [{ index: 0, score: … }]
 */
export function createBm25Index(documents: readonly (readonly string[])[], options: Bm25Options = {}): Bm25Index {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const postings = new Map<string, Array<{ index: number; frequency: number }>>();
  const lengths = documents.map((terms) => terms.length);
  const averageLength = lengths.reduce((sum, length) => sum + length, 0) / Math.max(1, documents.length) || 1;
  documents.forEach((terms, index) => {
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    for (const [term, frequency] of frequencies) {
      let list = postings.get(term);
      if (list === undefined) postings.set(term, (list = []));
      list.push({ index, frequency });
    }
  });

  return {
    size: documents.length,
    search(queryTerms, limit) {
      const scores = new Map<number, number>();
      // Each distinct term counts once: repeating a word in a question should not double its weight.
      for (const term of new Set(queryTerms)) {
        const list = postings.get(term);
        if (list === undefined) continue;
        const idf = Math.log(1 + (documents.length - list.length + 0.5) / (list.length + 0.5));
        for (const { index, frequency } of list) {
          const norm = frequency + k1 * (1 - b + (b * lengths[index]!) / averageLength);
          scores.set(index, (scores.get(index) ?? 0) + (idf * frequency * (k1 + 1)) / norm);
        }
      }
      return [...scores]
        .map(([index, score]) => ({ index, score }))
        .sort((left, right) => right.score - left.score || left.index - right.index)
        .slice(0, limit);
    },
  };
}
