/** A labelled query: the question and the `file#heading` ids of the passages that answer it. */
export interface LabelledQuery {
  query: string;
  relevant: string[];
}

/** Retrieval quality over a labelled set. */
export interface RetrievalMetrics {
  /** Mean share of each query's relevant ids found in its first `k` results. */
  recallAtK: number;
  /** Mean of 1 / rank of the first relevant result (0 when none is returned). */
  mrr: number;
  k: number;
  queries: number;
}

/**
 * Computes recall@k and MRR from ranked result ids (`file#heading`) per query.
 *
 * @example
 * retrievalMetrics([{ query: 'q', relevant: ['a.md#A'] }], [['b.md#B', 'a.md#A']], 5); // recall 1, MRR 0.5
 */
export function retrievalMetrics(labelled: readonly LabelledQuery[], ranked: readonly (readonly string[])[], k = 5): RetrievalMetrics {
  let recall = 0;
  let reciprocal = 0;
  labelled.forEach((entry, index) => {
    const results = ranked[index] ?? [];
    const top = new Set(results.slice(0, k));
    recall += entry.relevant.filter((id) => top.has(id)).length / Math.max(1, entry.relevant.length);
    const first = results.findIndex((id) => entry.relevant.includes(id));
    reciprocal += first === -1 ? 0 : 1 / (first + 1);
  });
  const count = Math.max(1, labelled.length);
  return { recallAtK: recall / count, mrr: reciprocal / count, k, queries: labelled.length };
}
