/** A passage of a document: the unit that is indexed, ranked and cited. */
export interface Chunk {
  /** Path relative to the corpus root, with `/` separators. */
  file: string;
  /** Headings from the top level down to the section the chunk is in; empty before the first heading. */
  headingPath: string[];
  /** First line, 1-based. */
  startLine: number;
  /** Last line, 1-based, inclusive. */
  endLine: number;
  text: string;
}

/** How documents are cut into chunks. */
export interface ChunkOptions {
  /** Target words per chunk. */
  chunkSize: number;
  /** Words repeated at the start of the next chunk of the same section. */
  overlap: number;
}

interface Unit {
  line: number;
  text: string;
  words: number;
}

interface Section {
  headingPath: string[];
  units: Unit[];
}

const headingPattern = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const fencePattern = /^ {0,3}(```|~~~)/;

/**
 * Cuts a Markdown or text document into chunks that never cross a heading, so every chunk cites
 * one section. Consecutive chunks of a long section share `overlap` words, so a sentence cut at
 * a boundary is whole in one of them. Lines longer than `chunkSize` words are split (keeping
 * their line number). Front matter, and headings inside fenced code, are not headings.
 */
export function chunkDocument(file: string, content: string, options: ChunkOptions): Chunk[] {
  const lines = content.split(/\r\n|\r|\n/);
  const sections: Section[] = [{ headingPath: [], units: [] }];
  const headings: string[] = [];
  let fence: string | undefined;
  let first = 0;
  if (/\.(md|markdown|mdx)$/i.test(file) && lines[0]?.trim() === '---') {
    const close = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
    if (close > 0) first = close + 1;
  }
  for (let index = first; index < lines.length; index++) {
    const text = lines[index]!;
    const fenceMatch = fencePattern.exec(text);
    if (fenceMatch) fence = fence === undefined ? fenceMatch[1] : fence === fenceMatch[1] ? undefined : fence;
    const heading = fence === undefined && !fenceMatch ? headingPattern.exec(text) : null;
    if (heading && /\.(md|markdown|mdx)$/i.test(file)) {
      const level = heading[1]!.length;
      headings.length = Math.min(headings.length, level - 1);
      while (headings.length < level - 1) headings.push('');
      headings.push(heading[2]!.trim());
      sections.push({ headingPath: headings.filter(Boolean), units: [] });
    }
    sections[sections.length - 1]!.units.push(...toUnits(index + 1, text, options.chunkSize));
  }
  return sections.flatMap((section) => windowSection(file, section, options));
}

function toUnits(line: number, text: string, chunkSize: number): Unit[] {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= chunkSize) return [{ line, text, words: words.length }];
  const units: Unit[] = [];
  for (let start = 0; start < words.length; start += chunkSize) {
    const piece = words.slice(start, start + chunkSize);
    units.push({ line, text: piece.join(' '), words: piece.length });
  }
  return units;
}

function windowSection(file: string, section: Section, options: ChunkOptions): Chunk[] {
  const { units } = section;
  // A section with nothing but its heading has nothing to cite.
  const body = units.filter(
    (unit, index) => unit.words > 0 && !(index === 0 && section.headingPath.length > 0 && headingPattern.test(unit.text))
  );
  if (body.length === 0) return [];
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < units.length) {
    let end = start;
    let words = 0;
    while (end < units.length && (words < options.chunkSize || end === start)) words += units[end++]!.words;
    const chunk = toChunk(file, section.headingPath, units.slice(start, end));
    if (chunk) chunks.push(chunk);
    if (end >= units.length) break;
    let next = end;
    let repeated = 0;
    while (next > start + 1 && repeated < options.overlap) repeated += units[--next]!.words;
    start = next;
  }
  return chunks;
}

function toChunk(file: string, headingPath: string[], units: Unit[]): Chunk | undefined {
  let first = 0;
  let last = units.length - 1;
  while (first <= last && units[first]!.words === 0) first++;
  while (last >= first && units[last]!.words === 0) last--;
  if (first > last) return undefined;
  const kept = units.slice(first, last + 1);
  let text = '';
  kept.forEach((unit, index) => {
    if (index > 0) text += unit.line === kept[index - 1]!.line ? ' ' : '\n';
    text += unit.text;
  });
  return { file, headingPath, startLine: kept[0]!.line, endLine: kept[kept.length - 1]!.line, text };
}
