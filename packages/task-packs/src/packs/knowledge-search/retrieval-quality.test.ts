import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLocalModel, createRuntime, type ModelProvider } from '@agentry/sdk';
import { describe, expect, it } from 'vitest';
import { createKnowledgeSearchPack } from './knowledge-search-pack';
import { retrievalMetrics, type LabelledQuery, type RetrievalMetrics } from './retrieval-metrics';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const labelled = JSON.parse(readFileSync(`${fixtures}queries.json`, 'utf8')) as LabelledQuery[];

interface Setting {
  embeddings: boolean;
  decompose: boolean;
  model?: ModelProvider;
}

async function measure(setting: Setting): Promise<{ metrics: RetrievalMetrics; misses: string[] }> {
  const runtime = createRuntime({
    packs: [createKnowledgeSearchPack({ root: `${fixtures}corpus`, embeddings: setting.embeddings })],
    ...(setting.model ? { model: setting.model } : {}),
  });
  const ranked: string[][] = [];
  for (const { query } of labelled) {
    const { output } = await runtime.invoke({
      agent: 'knowledge-search',
      input: { query, topK: 10, decompose: setting.decompose },
      tenant: 'eval',
    });
    const { passages } = output as { passages: Array<{ file: string; heading: string }> };
    ranked.push(passages.map((passage) => `${passage.file}#${passage.heading}`));
  }
  const misses = labelled.flatMap((entry, index) =>
    entry.relevant.filter((id) => !ranked[index]!.slice(0, 5).includes(id)).map((id) => `${entry.query} -> ${id}`)
  );
  return { metrics: retrievalMetrics(labelled, ranked, 5), misses };
}

function report(name: string, metrics: RetrievalMetrics): void {
  console.info(
    `knowledge-search ${name}: recall@5=${metrics.recallAtK.toFixed(3)} MRR=${metrics.mrr.toFixed(3)} (${metrics.queries} queries)`
  );
}

// The figures printed here are the ones recorded in docs/packs/knowledge-search.md.
describe('knowledge-search retrieval quality on the labelled Tidemark corpus', () => {
  it('has at least 30 labelled queries whose relevant sections all exist in the corpus', () => {
    expect(labelled.length).toBeGreaterThanOrEqual(30);
    for (const id of labelled.flatMap((entry) => entry.relevant)) {
      const [file, heading] = id.split('#') as [string, string];
      const escaped = heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(readFileSync(`${fixtures}corpus/${file}`, 'utf8'), id).toMatch(new RegExp(`^#+ ${escaped}$`, 'm'));
    }
  });

  it('reaches recall@5 >= 0.9 with BM25 and query decomposition (the default)', async () => {
    const { metrics, misses } = await measure({ embeddings: false, decompose: true });
    report('bm25', metrics);
    expect(metrics.recallAtK, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('reaches recall@5 >= 0.9 in hybrid mode with 256-dimension local embeddings', async () => {
    const { metrics, misses } = await measure({ embeddings: true, decompose: true, model: createLocalModel({ dimensions: 256 }) });
    report('hybrid (local model, 256 dims)', metrics);
    expect(metrics.recallAtK, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('reports the other settings for comparison (BM25 without decomposition, hybrid with the default 64-dimension local model)', async () => {
    const plain = await measure({ embeddings: false, decompose: false });
    report('bm25 without decomposition', plain.metrics);
    const small = await measure({ embeddings: true, decompose: true });
    report('hybrid (local model, 64 dims)', small.metrics);
    // A floor, not a target: the default local model hashes words into 64 buckets, a toy embedding.
    expect(small.metrics.recallAtK).toBeGreaterThanOrEqual(0.85);
  });
});
