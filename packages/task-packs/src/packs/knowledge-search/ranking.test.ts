import { describe, expect, it } from 'vitest';
import { createBm25Index } from './bm25-index';
import { decomposeQuery } from './decompose-query';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import { stem, tokenize } from './tokenize';

describe('tokenize', () => {
  it('drops stop words and merges common inflections', () => {
    expect(tokenize('How do I rotate the keys?')).toEqual(['rotat', 'key']);
    expect(['rotating', 'rotated', 'rotates', 'rotation'].map(stem)).toEqual(['rotat', 'rotat', 'rotat', 'rotat']);
    expect(['queues', 'queued', 'retries', 'retry'].map(stem)).toEqual(['queu', 'queu', 'retry', 'retry']);
    expect(['delivery', 'delivered', 'key', 'keys'].map(stem)).toEqual(['deliver', 'deliver', 'key', 'key']);
  });
});

describe('createBm25Index', () => {
  const index = createBm25Index([tokenize('rotate api keys'), tokenize('rate limits per plan'), tokenize('api api api reference')]);

  it('ranks the document sharing the rarest query terms first', () => {
    expect(index.search(tokenize('rotate my api key'), 3).map((hit) => hit.index)).toEqual([0, 2]);
  });

  it('returns nothing for terms no document contains', () => {
    expect(index.search(tokenize('kubernetes'), 3)).toEqual([]);
  });
});

describe('reciprocalRankFusion', () => {
  it('puts an item ranked well by several lists above one ranked first by a single list', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'd', 'a'],
    ]);
    expect(fused.map((entry) => entry.item)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61);
  });

  it('interleaves the heads of lists that share nothing', () => {
    expect(
      reciprocalRankFusion([
        ['a1', 'a2'],
        ['b1', 'b2'],
      ]).map((entry) => entry.item)
    ).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it("with combine max, keeps each list's head above an item both lists rank low", () => {
    const lists = [
      ['a1', 'a2', 'shared'],
      ['b1', 'b2', 'shared'],
    ];
    expect(reciprocalRankFusion(lists).map((entry) => entry.item)[0]).toBe('shared');
    expect(reciprocalRankFusion(lists, { combine: 'max' }).map((entry) => entry.item)).toEqual(['a1', 'b1', 'a2', 'b2', 'shared']);
  });
});

describe('decomposeQuery', () => {
  it('splits on question marks, semicolons and clause-joining "and"', () => {
    expect(decomposeQuery('How do I rotate keys and what is the rate limit?')).toEqual(['How do I rotate keys', 'what is the rate limit']);
    expect(decomposeQuery('Which regions exist? How do I enforce SSO')).toEqual(['Which regions exist', 'How do I enforce SSO']);
    expect(decomposeQuery('size limit; visibility timeout')).toEqual(['size limit', 'visibility timeout']);
  });

  it('keeps "and" that joins two nouns of one question', () => {
    expect(decomposeQuery('Do FIFO queues keep order and dedupe?')).toEqual(['Do FIFO queues keep order and dedupe']);
    expect(decomposeQuery('keys and tokens')).toEqual(['keys and tokens']);
  });

  it('returns the query itself when nothing can be split, and caps the parts', () => {
    expect(decomposeQuery('the')).toEqual(['the']);
    const many = decomposeQuery('alpha one? beta two? gamma three? delta four? epsilon five? zeta six?');
    expect(many).toHaveLength(5);
    expect(many[4]).toBe('epsilon five zeta six');
  });
});
