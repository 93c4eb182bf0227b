export {
  createKnowledgeSearchPack,
  knowledgeSearchInputSchema,
  knowledgeSearchOutputSchema,
  type KnowledgeSearchOptions,
} from './knowledge-search-pack';
export { knowledgeSearchCapabilities } from './knowledge-search-capabilities';
export type { Passage, SearchOutcome } from './search-passages';
export { chunkDocument, type Chunk, type ChunkOptions } from './chunk-document';
export { createBm25Index, type Bm25Index, type Bm25Hit, type Bm25Options } from './bm25-index';
export { reciprocalRankFusion, type FusedItem } from './reciprocal-rank-fusion';
export { decomposeQuery } from './decompose-query';
export { retrievalMetrics, type LabelledQuery, type RetrievalMetrics } from './retrieval-metrics';
