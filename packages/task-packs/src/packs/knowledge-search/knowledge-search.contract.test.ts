import { fileURLToPath } from 'node:url';
import { describeTaskPackContract } from '@agentry/task-packs/testing';
import { createKnowledgeSearchPack } from './knowledge-search-pack';

const root = fileURLToPath(new URL('./fixtures/corpus/', import.meta.url));

describeTaskPackContract(createKnowledgeSearchPack({ root, embeddings: true }), {
  fixtures: [
    { name: 'a single question', input: { query: 'How do I rotate an API key?', topK: 3 } },
    { name: 'a multi-part question', input: { query: 'Which regions are available? How do I enforce SSO?' } },
    { name: 'an empty query', input: { query: '' }, error: 'AGENTRY_INVALID_INPUT' },
  ],
});
