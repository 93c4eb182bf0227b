import type { ModelProvider } from '@agentry/sdk';
import type { Chunk } from './chunk-document';
import { decomposeQuery } from './decompose-query';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import type { IndexSnapshot } from './search-index';
import { tokenize } from './tokenize';

/** A cited passage: where it is, what it says, and how well it matched. */
export interface Passage {
  /** Path relative to the corpus root. */
  file: string;
  /** The innermost heading of the section, or '' before the first heading. */
  heading: string;
  /** Every heading from the document title down. */
  headingPath: string[];
  /** First and last line, 1-based, inclusive. */
  lines: [number, number];
  text: string;
  /** Reciprocal-rank-fusion score: higher is better, comparable within one answer only. */
  score: number;
}

/** How a query was answered. */
export interface SearchOutcome {
  passages: Passage[];
  /** The parts the query was split into (one when it was not split). */
  subQueries: string[];
  /** `hybrid` when embeddings took part, else `bm25`. */
  mode: 'bm25' | 'hybrid';
}

/** Options of one search. */
export interface SearchRequest {
  query: string;
  topK: number;
  decompose: boolean;
  /** Embed with this model (hybrid search); BM25 only when undefined. */
  model: ModelProvider | undefined;
  /** Candidates each ranker contributes before fusion. */
  candidates: number;
  signal: AbortSignal;
}

/**
 * Answers a query from a snapshot. Each sub-question is ranked by BM25 and, in hybrid mode, by
 * cosine similarity of embeddings; the two rankings are fused by RRF (sum), then the
 * sub-questions' rankings are merged by their best ranks (RRF, max), so every part of a
 * multi-part question gets its best passages near the top. At most one passage per section is returned: overlapping chunks of one section would
 * otherwise crowd out other citations.
 */
export async function searchPassages(snapshot: IndexSnapshot, request: SearchRequest): Promise<SearchOutcome> {
  const subQueries = request.decompose ? decomposeQuery(request.query) : [request.query.trim()];
  const rankings: number[][] = subQueries.map((part) => snapshot.bm25.search(tokenize(part), request.candidates).map((hit) => hit.index));
  let mode: SearchOutcome['mode'] = 'bm25';
  if (request.model?.embed !== undefined && snapshot.chunks.length > 0) {
    mode = 'hybrid';
    const chunkVectors = await snapshot.embeddings(request.model, request.signal);
    const { embeddings: queryVectors } = await request.model.embed(subQueries, { signal: request.signal });
    subQueries.forEach((_, index) => {
      const semantic = rankByCosine(queryVectors[index] ?? [], chunkVectors, request.candidates);
      rankings[index] = reciprocalRankFusion([rankings[index]!, semantic]).map((entry) => entry.item);
    });
  }
  const fused = reciprocalRankFusion(rankings, { combine: 'max' });
  const seen = new Set<string>();
  const passages: Passage[] = [];
  for (const { item, score } of fused) {
    const chunk = snapshot.chunks[item]!;
    const section = `${chunk.file}#${chunk.headingPath.join('\u0000')}`;
    if (seen.has(section)) continue;
    seen.add(section);
    passages.push(toPassage(chunk, score));
    if (passages.length >= request.topK) break;
  }
  return { passages, subQueries, mode };
}

function toPassage(chunk: Chunk, score: number): Passage {
  return {
    file: chunk.file,
    heading: chunk.headingPath[chunk.headingPath.length - 1] ?? '',
    headingPath: [...chunk.headingPath],
    lines: [chunk.startLine, chunk.endLine],
    text: chunk.text,
    // Rounded so the same query gives byte-identical output across platforms.
    score: Math.round(score * 1e6) / 1e6,
  };
}

function rankByCosine(query: number[], vectors: readonly number[][], limit: number): number[] {
  const queryNorm = Math.hypot(...query);
  if (queryNorm === 0) return [];
  return vectors
    .map((vector, index) => {
      let dot = 0;
      for (let dimension = 0; dimension < Math.min(vector.length, query.length); dimension++) dot += vector[dimension]! * query[dimension]!;
      const norm = Math.hypot(...vector);
      return { index, similarity: norm === 0 ? 0 : dot / (norm * queryNorm) };
    })
    .filter((entry) => entry.similarity > 0)
    .sort((left, right) => right.similarity - left.similarity || left.index - right.index)
    .slice(0, limit)
    .map((entry) => entry.index);
}
