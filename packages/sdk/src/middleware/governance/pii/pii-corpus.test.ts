import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectPii } from './detect-pii';
import { piiTypes, type PiiType } from './pii-detectors';

interface CorpusLine {
  text: string;
  pii: { type: PiiType; value: string }[];
}

const corpus: CorpusLine[] = readFileSync(new URL('../fixtures/pii-corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as CorpusLine);

/** Expected spans of a line: each label at the next occurrence of its value. */
function expectedSpans(line: CorpusLine): { type: PiiType; start: number; end: number }[] {
  const searchFrom = new Map<string, number>();
  return line.pii.map(({ type, value }) => {
    const start = line.text.indexOf(value, searchFrom.get(value) ?? 0);
    if (start < 0) throw new Error(`corpus label ${JSON.stringify(value)} is not in ${JSON.stringify(line.text)}`);
    searchFrom.set(value, start + value.length);
    return { type, start, end: start + value.length };
  });
}

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

/** Exact matches of type and span per type over the whole corpus, and each mismatch for the log. */
function measure(): { tally: Map<PiiType, Tally>; total: Tally; misses: string[] } {
  const tally = new Map<PiiType, Tally>(piiTypes.map((type) => [type, { tp: 0, fp: 0, fn: 0 }]));
  const misses: string[] = [];
  for (const line of corpus) {
    const expected = expectedSpans(line).map((span) => `${span.type}:${span.start}:${span.end}`);
    const found = detectPii(line.text).map((finding) => `${finding.type}:${finding.start}:${finding.end}`);
    for (const key of found) {
      const type = key.split(':')[0] as PiiType;
      if (expected.includes(key)) tally.get(type)!.tp++;
      else {
        tally.get(type)!.fp++;
        misses.push(`false positive ${key} in ${JSON.stringify(line.text)}`);
      }
    }
    for (const key of expected.filter((item) => !found.includes(item))) {
      tally.get(key.split(':')[0] as PiiType)!.fn++;
      misses.push(`missed ${key} in ${JSON.stringify(line.text)}`);
    }
  }
  const total = [...tally.values()].reduce((sum, row) => ({ tp: sum.tp + row.tp, fp: sum.fp + row.fp, fn: sum.fn + row.fn }), { tp: 0, fp: 0, fn: 0 });
  return { tally, total, misses };
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);
const precisionOf = ({ tp, fp }: Tally): number => ratio(tp, tp + fp);
const recallOf = ({ tp, fn }: Tally): number => ratio(tp, tp + fn);

describe('PII corpus', () => {
  const { tally, total, misses } = measure();

  it('detects with precision and recall of at least 0.95 overall (exact type and span)', () => {
    const rows = [...tally, ['overall', total] as const].map(([type, counts]) => ({
      type,
      ...counts,
      precision: precisionOf(counts).toFixed(3),
      recall: recallOf(counts).toFixed(3),
    }));
    console.log(`PII corpus: ${corpus.length} lines, ${corpus.filter((line) => line.pii.length === 0).length} without PII`);
    console.table(rows);
    if (misses.length > 0) console.log(misses.join('\n'));
    expect(precisionOf(total)).toBeGreaterThanOrEqual(0.95);
    expect(recallOf(total)).toBeGreaterThanOrEqual(0.95);
  });

  // A strong type must not hide a weak one in the overall figure: each type is held to the bar on its own.
  it.each(piiTypes)('detects %s with precision and recall of at least 0.9 on its own', (type) => {
    const counts = tally.get(type)!;
    expect(precisionOf(counts), `${type} precision (${JSON.stringify(counts)})`).toBeGreaterThanOrEqual(0.9);
    expect(recallOf(counts), `${type} recall (${JSON.stringify(counts)})`).toBeGreaterThanOrEqual(0.9);
  });

  it('holds at least 150 lines with positives of every type and negatives', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    for (const type of piiTypes) expect(corpus.filter((line) => line.pii.some((label) => label.type === type)).length).toBeGreaterThanOrEqual(8);
    expect(corpus.filter((line) => line.pii.length === 0).length).toBeGreaterThanOrEqual(60);
  });
});
