import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalModel, createRuntime, type ModelProvider } from '@agentry/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createKnowledgeSearchPack } from './knowledge-search-pack';

const corpus = fileURLToPath(new URL('./fixtures/corpus/', import.meta.url));

interface Output {
  passages: Array<{ file: string; heading: string; headingPath: string[]; lines: [number, number]; text: string; score: number }>;
  subQueries: string[];
  mode: 'bm25' | 'hybrid';
}

async function search(runtime: ReturnType<typeof createRuntime>, query: string, extra: Record<string, unknown> = {}) {
  const result = await runtime.invoke({ agent: 'knowledge-search', input: { query, ...extra }, tenant: 'acme' });
  return { output: result.output as Output, usage: result.usage };
}

const temporary: string[] = [];
afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function tempCorpus(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'agentry-ks-'));
  temporary.push(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

describe('knowledge-search pack', () => {
  it('returns cited passages whose line range points at exactly the quoted text', async () => {
    const runtime = createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus })] });
    const { output } = await search(runtime, 'How do I rotate an API key?');
    expect(output.mode).toBe('bm25');
    const [best] = output.passages;
    expect(best).toMatchObject({
      file: 'authentication.md',
      heading: 'Rotate an API key',
      headingPath: ['Authentication', 'Rotate an API key'],
    });
    const lines = readFileSync(join(corpus, best!.file), 'utf8').split('\n');
    expect(lines.slice(best!.lines[0] - 1, best!.lines[1]).join('\n')).toBe(best!.text);
    expect(output.passages).toHaveLength(5);
    expect(output.passages.map((passage) => passage.score)).toEqual(
      [...output.passages.map((passage) => passage.score)].sort((a, b) => b - a)
    );
  });

  it('splits a multi-part question and cites a section for each part', async () => {
    const runtime = createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus })] });
    const { output } = await search(runtime, 'Which regions are available? How do I enforce SSO for all members?');
    expect(output.subQueries).toEqual(['Which regions are available', 'How do I enforce SSO for all members']);
    const cited = output.passages.slice(0, 2).map((passage) => `${passage.file}#${passage.heading}`);
    expect(cited).toEqual(['regions.md#Available regions', 'single-sign-on.md#Enforce SSO for all members']);
  });

  it('returns at most one passage per section', async () => {
    const long = `# Long\n\n## Only section\n\n${Array.from({ length: 60 }, (_, index) => `Sentence ${index} about widgets.`).join(
      '\n'
    )}\n`;
    const runtime = createRuntime({
      packs: [createKnowledgeSearchPack({ root: tempCorpus({ 'long.md': long }), chunkSize: 20, overlap: 5 })],
    });
    const { output } = await search(runtime, 'widgets', { topK: 10 });
    expect(output.passages).toHaveLength(1);
  });

  it('gives the same output for the same query on two fresh runtimes (deterministic)', async () => {
    const first = await search(
      createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus, embeddings: true })] }),
      'visibility timeout and message size'
    );
    const second = await search(
      createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus, embeddings: true })] }),
      'visibility timeout and message size'
    );
    expect(second.output).toEqual(first.output);
  });

  it('embeds the corpus once through ctx.model and reuses the vectors for later queries', async () => {
    const local = createLocalModel();
    let embeddedTexts = 0;
    const counting: ModelProvider = {
      ...local,
      generate: local.generate.bind(local),
      stream: local.stream.bind(local),
      async embed(texts, options) {
        embeddedTexts += texts.length;
        return local.embed!(texts, options);
      },
    };
    const runtime = createRuntime({ model: counting, packs: [createKnowledgeSearchPack({ root: corpus, embeddings: true })] });
    const first = await search(runtime, 'customer-managed keys');
    const afterFirst = embeddedTexts;
    const second = await search(runtime, 'SCIM provisioning');
    expect(first.output.mode).toBe('hybrid');
    expect(afterFirst).toBeGreaterThan(50);
    expect(embeddedTexts - afterFirst).toBe(1);
    // The embed calls are metered like any model call.
    expect(first.usage.inputTokens).toBeGreaterThan(second.usage.inputTokens);
    expect(second.usage.modelCalls).toBe(1);
  });

  it('falls back to BM25 when the model cannot embed', async () => {
    const local = createLocalModel();
    const noEmbed: ModelProvider = {
      specificationVersion: 'v1',
      provider: 'x',
      modelId: 'y',
      generate: local.generate,
      stream: local.stream,
    };
    const runtime = createRuntime({ model: noEmbed, packs: [createKnowledgeSearchPack({ root: corpus, embeddings: true })] });
    const { output } = await search(runtime, 'customer-managed keys');
    expect(output.mode).toBe('bm25');
    expect(output.passages[0]!.heading).toBe('Customer-managed keys');
  });

  it('builds the index lazily: a missing root fails the first query, not the factory', async () => {
    const pack = createKnowledgeSearchPack({ root: join(tmpdir(), 'agentry-does-not-exist-4711') });
    const runtime = createRuntime({ packs: [pack] });
    await expect(search(runtime, 'anything')).rejects.toMatchObject({ code: 'AGENTRY_INVALID_OPTIONS' });
  });

  it('re-indexes when a file changes, and keeps the snapshot within the refresh interval', async () => {
    const root = tempCorpus({ 'a.md': '# Alpha\n\nThe falcon flies.\n' });
    const eager = createRuntime({ packs: [createKnowledgeSearchPack({ root, refreshIntervalMs: 0 })] });
    const lazy = createRuntime({ packs: [createKnowledgeSearchPack({ root, refreshIntervalMs: 3_600_000 })] });
    expect((await search(eager, 'heron')).output.passages).toEqual([]);
    expect((await search(lazy, 'heron')).output.passages).toEqual([]);
    writeFileSync(join(root, 'a.md'), '# Alpha\n\nThe heron wades.\n');
    // A distinct mtime even on file systems with coarse timestamps.
    utimesSync(join(root, 'a.md'), new Date(), new Date(Date.now() + 5_000));
    expect((await search(eager, 'heron')).output.passages.map((passage) => passage.text)).toEqual(['# Alpha\n\nThe heron wades.']);
    expect((await search(lazy, 'heron')).output.passages).toEqual([]);
  });

  it('honours an aborted signal with AGENTRY_CANCELLED', async () => {
    const runtime = createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus })] });
    const controller = new AbortController();
    controller.abort();
    await expect(
      runtime.invoke({ agent: 'knowledge-search', input: { query: 'keys' }, tenant: 'acme', signal: controller.signal })
    ).rejects.toMatchObject({ code: 'AGENTRY_CANCELLED' });
  });

  it('refuses bad options and bad input with coded errors', async () => {
    expect(() => createKnowledgeSearchPack({ root: '' })).toThrow(expect.objectContaining({ code: 'AGENTRY_INVALID_OPTIONS' }));
    expect(() => createKnowledgeSearchPack({ root: corpus, chunkSize: 50, overlap: 50 })).toThrow(/overlap/);
    const runtime = createRuntime({ packs: [createKnowledgeSearchPack({ root: corpus })] });
    await expect(search(runtime, '')).rejects.toMatchObject({ code: 'AGENTRY_INVALID_INPUT' });
  });
});
