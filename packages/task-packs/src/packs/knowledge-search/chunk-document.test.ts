import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document';

describe('chunkDocument', () => {
  it('keeps the heading path and 1-based line range of each section', () => {
    const chunks = chunkDocument('guide.md', '# Guide\n\nIntro line.\n\n## Install\n\nRun it.\n\n### On macOS\n\nUse brew.\n', {
      chunkSize: 50,
      overlap: 5,
    });
    expect(chunks.map((chunk) => [chunk.headingPath, chunk.startLine, chunk.endLine])).toEqual([
      [['Guide'], 1, 3],
      [['Guide', 'Install'], 5, 7],
      [['Guide', 'Install', 'On macOS'], 9, 11],
    ]);
    expect(chunks[2]!.text).toBe('### On macOS\n\nUse brew.');
  });

  it('cuts long sections into overlapping chunks that never cross a heading', () => {
    const body = Array.from({ length: 20 }, (_, index) => `line ${index} has five words`).join('\n');
    const chunks = chunkDocument('long.md', `## Long\n${body}\n## Next\nshort`, { chunkSize: 20, overlap: 5 });
    const long = chunks.filter((chunk) => chunk.headingPath[0] === 'Long');
    expect(long.length).toBeGreaterThan(3);
    for (let index = 1; index < long.length; index++) {
      // Consecutive chunks share at least one line: the overlap.
      expect(long[index]!.startLine).toBeLessThanOrEqual(long[index - 1]!.endLine);
      expect(long[index]!.startLine).toBeGreaterThan(long[index - 1]!.startLine);
    }
    expect(long.at(-1)!.endLine).toBe(21);
    expect(chunks.at(-1)).toMatchObject({ headingPath: ['Next'], startLine: 22, endLine: 23 });
  });

  it('splits a single line longer than the chunk size and keeps its line number', () => {
    const line = Array.from({ length: 45 }, (_, index) => `w${index}`).join(' ');
    const chunks = chunkDocument('one.txt', line, { chunkSize: 20, overlap: 0 });
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('ignores headings inside fenced code, front matter, and sections with only a heading', () => {
    const text = '---\ntitle: x\n---\n# Title\n## Empty\n## Code\n```sh\n# not a heading\n```\n';
    const chunks = chunkDocument('code.md', text, { chunkSize: 50, overlap: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ headingPath: ['Title', 'Code'], startLine: 6, endLine: 9 });
  });

  it('treats # in a text file as text, not a heading', () => {
    const chunks = chunkDocument('notes.txt', '# todo\nbuy milk', { chunkSize: 50, overlap: 0 });
    expect(chunks).toEqual([{ file: 'notes.txt', headingPath: [], startLine: 1, endLine: 2, text: '# todo\nbuy milk' }]);
  });
});
