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

describe('PII corpus', () => {
  it('detects with precision and recall of at least 0.95 overall (exact type and span)', () => {
    const tally = new Map<PiiType, { tp: number; fp: number; fn: number }>(piiTypes.map((type) => [type, { tp: 0, fp: 0, fn: 0 }]));
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
    const ratio = (part: number, whole: number): number => (whole === 0 ? 1 : part / whole);
    const rows = [...tally].map(([type, { tp, fp, fn }]) => ({
      type,
      tp,
      fp,
      fn,
      precision: ratio(tp, tp + fp).toFixed(3),
      recall: ratio(tp, tp + fn).toFixed(3),
    }));
    const total = [...tally.values()].reduce((sum, row) => ({ tp: sum.tp + row.tp, fp: sum.fp + row.fp, fn: sum.fn + row.fn }), { tp: 0, fp: 0, fn: 0 });
    const precision = ratio(total.tp, total.tp + total.fp);
    const recall = ratio(total.tp, total.tp + total.fn);
    rows.push({ type: 'overall' as PiiType, ...total, precision: precision.toFixed(3), recall: recall.toFixed(3) });
    console.log(`PII corpus: ${corpus.length} lines, ${corpus.filter((line) => line.pii.length === 0).length} without PII`);
    console.table(rows);
    if (misses.length > 0) console.log(misses.join('\n'));
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('holds at least 150 lines with positives of every type and negatives', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    for (const type of piiTypes) expect(corpus.filter((line) => line.pii.some((label) => label.type === type)).length).toBeGreaterThanOrEqual(8);
    expect(corpus.filter((line) => line.pii.length === 0).length).toBeGreaterThanOrEqual(60);
  });
});
