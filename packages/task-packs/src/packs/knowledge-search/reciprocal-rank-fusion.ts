/** One fused result: the item, its RRF score and its best rank in any list (1-based). */
export interface FusedItem<Item> {
  item: Item;
  score: number;
  bestRank: number;
}

/** Options of {@link reciprocalRankFusion}. */
export interface FusionOptions {
  /** Dampens the head of each list. @default 60 (the paper's value) */
  k?: number;
  /**
   * `sum` rewards items several lists agree on (rankers of one question: BM25 and vectors);
   * `max` keeps each item's best showing, which interleaves lists that answer different
   * questions (the parts of a decomposed query), so no part is crowded out by items that are
   * merely mediocre for all of them. @default 'sum'
   */
  combine?: 'sum' | 'max';
}

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): each list gives `1 / (k + rank)` to
 * each item it ranks. Lists need no comparable scores, which is why it fuses BM25 with vectors
 * and the answers of sub-questions. Ties go to the better best rank, then to first appearance,
 * so the order is deterministic.
 *
 * @example
 * reciprocalRankFusion([['a', 'b'], ['b', 'c']]); // b first: ranked by both lists
 */
export function reciprocalRankFusion<Item>(lists: readonly (readonly Item[])[], options: FusionOptions = {}): FusedItem<Item>[] {
  const k = options.k ?? 60;
  const max = options.combine === 'max';
  const fused = new Map<Item, FusedItem<Item> & { order: number }>();
  let order = 0;
  for (const list of lists) {
    list.forEach((item, position) => {
      const rank = position + 1;
      const entry = fused.get(item);
      if (entry === undefined) fused.set(item, { item, score: 1 / (k + rank), bestRank: rank, order: order++ });
      else {
        entry.score = max ? Math.max(entry.score, 1 / (k + rank)) : entry.score + 1 / (k + rank);
        entry.bestRank = Math.min(entry.bestRank, rank);
      }
    });
  }
  return [...fused.values()]
    .sort((left, right) => right.score - left.score || left.bestRank - right.bestRank || left.order - right.order)
    .map(({ item, score, bestRank }) => ({ item, score, bestRank }));
}
