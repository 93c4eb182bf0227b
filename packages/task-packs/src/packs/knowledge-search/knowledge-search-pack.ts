import { resolve } from 'node:path';
import { AgentryError, defineTaskPack } from '@agentry/sdk';
import { z } from 'zod';
import { createSearchIndex } from './search-index';
import { searchPassages } from './search-passages';

/** Options of {@link createKnowledgeSearchPack}. */
export interface KnowledgeSearchOptions {
  /** Folder of Markdown (`.md`, `.markdown`, `.mdx`) and text (`.txt`) files to index. */
  root: string;
  /** Target words per chunk. @default 120 */
  chunkSize?: number;
  /** Words shared by consecutive chunks of a section. @default 30 */
  overlap?: number;
  /** Also rank by `ctx.model.embed` vectors and fuse with BM25 (hybrid); falls back to BM25 when the model cannot embed. @default false */
  embeddings?: boolean;
  /** Agent id, to host several corpora side by side. @default 'knowledge-search' */
  id?: string;
  /** One line shown in `GET /v1/agents`. @default 'Searches <root name> …' */
  description?: string;
  /** Least time between two checks of the folder for edits, in ms; 0 checks on every query. @default 1000 */
  refreshIntervalMs?: number;
  /** Files larger than this are skipped. @default 1048576 (1 MiB) */
  maxFileBytes?: number;
  /** Files beyond this count are skipped. @default 10000 */
  maxFiles?: number;
  /** Deadline of one query in ms (the first one builds the index). @default 30000 */
  timeoutMs?: number;
}

const extensions = ['.md', '.markdown', '.mdx', '.txt'] as const;

/** Input of the knowledge-search pack. */
export const knowledgeSearchInputSchema = z.object({
  /** The question; multi-part questions are split and their answers merged. */
  query: z.string().min(1).max(2_000),
  /** Passages returned. @default 5 */
  topK: z.number().int().min(1).max(50).default(5),
  /** Split multi-part questions. @default true */
  decompose: z.boolean().default(true),
});

/** Output of the knowledge-search pack: cited passages, best first. */
export const knowledgeSearchOutputSchema = z.object({
  passages: z.array(
    z.object({
      file: z.string(),
      heading: z.string(),
      headingPath: z.array(z.string()),
      lines: z.tuple([z.number().int().positive(), z.number().int().positive()]),
      text: z.string(),
      score: z.number(),
    })
  ),
  subQueries: z.array(z.string()),
  mode: z.enum({ bm25: 'bm25', hybrid: 'hybrid' }),
});

/**
 * Creates a pack that answers questions with cited passages from a folder of Markdown and text
 * files: BM25, optionally fused with embeddings by reciprocal rank fusion, with multi-part
 * questions decomposed. The index is built on the first query and rebuilt when a file changes.
 *
 * @throws AgentryError `AGENTRY_INVALID_OPTIONS` when `root` is missing or a size is out of range;
 * a root that does not exist fails the first query with the same code.
 * @example
 * const docs = createKnowledgeSearchPack({ root: './docs', embeddings: true });
 * const runtime = createRuntime({ packs: [docs] });
 * const { output } = await runtime.invoke({ agent: 'knowledge-search', input: { query: 'How do I rotate keys?' }, tenant: 'acme' });
 */
export function createKnowledgeSearchPack(options: KnowledgeSearchOptions) {
  const resolved = resolveOptions(options);
  const index = createSearchIndex({
    root: resolved.root,
    chunkSize: resolved.chunkSize,
    overlap: resolved.overlap,
    extensions,
    maxFileBytes: resolved.maxFileBytes,
    maxFiles: resolved.maxFiles,
    refreshIntervalMs: resolved.refreshIntervalMs,
    embedBatchSize: 64,
    now: Date.now,
  });
  let warnedNoEmbed = false;
  return defineTaskPack({
    id: resolved.id,
    version: '1.0.0',
    description: resolved.description,
    input: knowledgeSearchInputSchema,
    output: knowledgeSearchOutputSchema,
    limits: { timeoutMs: resolved.timeoutMs },
    async handler(input, context) {
      const snapshot = await index.current();
      context.signal.throwIfAborted();
      const canEmbed = resolved.embeddings && typeof context.model.embed === 'function';
      if (resolved.embeddings && !canEmbed && !warnedNoEmbed) {
        warnedNoEmbed = true;
        context.logger.warn('knowledge-search: the model cannot embed; ranking with BM25 only', { model: context.model.modelId });
      }
      return searchPassages(snapshot, {
        query: input.query,
        topK: input.topK,
        decompose: input.decompose,
        model: canEmbed ? context.model : undefined,
        candidates: 50,
        signal: context.signal,
      });
    },
  });
}

function resolveOptions(options: KnowledgeSearchOptions) {
  const where = 'createKnowledgeSearchPack';
  if (typeof options?.root !== 'string' || options.root.trim() === '') {
    throw invalid(`${where}: \`root\` must be the path of a folder`);
  }
  const chunkSize = integer(options.chunkSize, 120, 10, 4_000, 'chunkSize');
  const overlap = integer(options.overlap, 30, 0, chunkSize - 1, 'overlap');
  const root = resolve(options.root);
  return {
    root,
    chunkSize,
    overlap,
    embeddings: options.embeddings ?? false,
    id: options.id ?? 'knowledge-search',
    description:
      options.description ?? `Searches the Markdown and text files of ${root.split(/[\\/]/).pop() || root} and returns cited passages.`,
    refreshIntervalMs: integer(options.refreshIntervalMs, 1_000, 0, 86_400_000, 'refreshIntervalMs'),
    maxFileBytes: integer(options.maxFileBytes, 1_048_576, 1, 1_073_741_824, 'maxFileBytes'),
    maxFiles: integer(options.maxFiles, 10_000, 1, 10_000_000, 'maxFiles'),
    timeoutMs: integer(options.timeoutMs, 30_000, 1, 3_600_000, 'timeoutMs'),
  };

  function integer(value: number | undefined, fallback: number, min: number, max: number, field: string): number {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalid(`${where}: \`${field}\` must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
    return value;
  }
}

function invalid(message: string): AgentryError {
  return new AgentryError('AGENTRY_INVALID_OPTIONS', message, {
    hint: 'See docs/packs/knowledge-search.md for the options and their ranges.',
  });
}
