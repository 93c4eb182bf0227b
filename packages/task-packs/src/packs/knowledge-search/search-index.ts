import { readFile } from 'node:fs/promises';
import { AgentryError, type ModelProvider } from '@agentry/sdk';
import { createBm25Index, type Bm25Index } from './bm25-index';
import { chunkDocument, type Chunk, type ChunkOptions } from './chunk-document';
import { corpusSignature, listCorpusFiles, type ListCorpusOptions } from './list-corpus-files';
import { tokenize } from './tokenize';

/** One built index: the chunks of a corpus at one moment and their BM25 index. */
export interface IndexSnapshot {
  readonly chunks: readonly Chunk[];
  readonly bm25: Bm25Index;
  /** Chunk vectors per model (`provider/modelId`), computed on first use and kept with the snapshot. */
  embeddings(model: ModelProvider, signal: AbortSignal): Promise<number[][]>;
}

/** Options of {@link createSearchIndex}. */
export interface SearchIndexOptions extends ChunkOptions, ListCorpusOptions {
  root: string;
  /** Least time between two checks of the files for changes, in ms. */
  refreshIntervalMs: number;
  /** Texts per embedding call. */
  embedBatchSize: number;
  now: () => number;
}

/** A lazily built index that rebuilds itself when the corpus changes. */
export interface SearchIndex {
  /** The current snapshot: built on first call, rebuilt when a file's mtime or size changed. */
  current(): Promise<IndexSnapshot>;
}

/**
 * Creates the index of a folder. Nothing is read until the first query; concurrent queries share
 * one build (single flight); later queries reuse the snapshot and only re-list the folder (at
 * most once per `refreshIntervalMs`) to notice edits.
 */
export function createSearchIndex(options: SearchIndexOptions): SearchIndex {
  let snapshot: { signature: string; value: IndexSnapshot } | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<IndexSnapshot> | undefined;

  async function refresh(): Promise<IndexSnapshot> {
    const files = await listCorpusFiles(options.root, options);
    const signature = corpusSignature(files);
    checkedAt = options.now();
    if (snapshot?.signature === signature) return snapshot.value;
    const chunks: Chunk[] = [];
    for (const file of files) {
      chunks.push(...chunkDocument(file.file, await readFile(file.absolutePath, 'utf8'), options));
    }
    snapshot = { signature, value: buildSnapshot(chunks, options.embedBatchSize) };
    return snapshot.value;
  }

  return {
    current() {
      if (snapshot !== undefined && options.now() - checkedAt < options.refreshIntervalMs) return Promise.resolve(snapshot.value);
      pending ??= refresh().finally(() => (pending = undefined));
      return pending;
    },
  };
}

/** The text a chunk is indexed under: its file name and headings (twice, as a field boost) and its body. */
export function indexedText(chunk: Chunk): string {
  const name = chunk.file.replace(/\.[a-z]+$/i, '').replace(/[-_/]/g, ' ');
  const headings = chunk.headingPath.join(' ');
  return `${name}\n${headings}\n${headings}\n${chunk.text}`;
}

function buildSnapshot(chunks: readonly Chunk[], batchSize: number): IndexSnapshot {
  const bm25 = createBm25Index(chunks.map((chunk) => tokenize(indexedText(chunk))));
  const vectors = new Map<string, Promise<number[][]>>();
  return {
    chunks,
    bm25,
    embeddings(model, signal) {
      const key = `${model.provider}/${model.modelId}`;
      let cached = vectors.get(key);
      if (cached === undefined) {
        cached = embedAll(model, chunks.map(indexedText), batchSize, signal);
        // A failed or cancelled run must not poison the cache for the next query.
        cached.catch(() => vectors.delete(key));
        vectors.set(key, cached);
      }
      return cached;
    },
  };
}

async function embedAll(model: ModelProvider, texts: string[], batchSize: number, signal: AbortSignal): Promise<number[][]> {
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const result = await model.embed!(batch, { signal });
    if (result.embeddings.length !== batch.length) {
      throw new AgentryError(
        'AGENTRY_UPSTREAM_ERROR',
        `knowledge-search: ${model.provider}/${model.modelId} returned ${result.embeddings.length} embeddings for ${batch.length} texts`,
        { retryable: false }
      );
    }
    vectors.push(...result.embeddings);
  }
  return vectors;
}
