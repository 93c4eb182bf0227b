/**
 * What the knowledge-search pack touches, in the shape of a manifest's `capabilities` block so
 * declaring it is one line: no network, no tools, and the model (only `embed`, only when
 * `embeddings` is on; a pack built with `embeddings: false` may declare `model: false`). Files
 * are read under the configured root only.
 */
export const knowledgeSearchCapabilities = {
  tools: [],
  network: { hosts: [] },
  model: true,
} as const;
