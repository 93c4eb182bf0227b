/** A case measured call by call: an async function doing one whole call. */
export interface BenchCase {
  name: string;
  /** What the case includes, so the comparison is fair. */
  includes: string;
  run: () => Promise<unknown>;
}

export interface CaseFigures {
  name: string;
  includes: string;
  p50: number;
  p99: number;
  samples: number;
}

/**
 * Warms every case up, then runs them interleaved call by call (A, B, A, B…) so machine drift
 * hits every case alike, and reports p50/p99 in milliseconds.
 */
export async function measureInterleaved(cases: BenchCase[], options: { warmup: number; iterations: number }): Promise<CaseFigures[]> {
  for (let index = 0; index < options.warmup; index++) {
    if (index % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const benchCase of cases) await benchCase.run();
  }
  const samples = cases.map(() => [] as number[]);
  for (let index = 0; index < options.iterations; index++) {
    // In-process cases settle on microtasks alone; without a turn of the event loop now and then,
    // timers never fire and background work (a meter's batched flush) would never be paid for.
    if (index % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
    // Rotate the starting case so no case always runs right after the same neighbour.
    for (let offset = 0; offset < cases.length; offset++) {
      const at = (index + offset) % cases.length;
      const started = process.hrtime.bigint();
      await cases[at]!.run();
      samples[at]!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return cases.map((benchCase, at) => {
    const sorted = samples[at]!.sort((a, b) => a - b);
    return {
      name: benchCase.name,
      includes: benchCase.includes,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      samples: sorted.length,
    };
  });
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** A markdown table of figures with each case's p50 ratio to the first (the peer). */
export function figuresTable(figures: CaseFigures[], unit: 'ms' | 'µs' = 'ms'): string {
  const scale = unit === 'µs' ? 1000 : 1;
  const digits = unit === 'µs' ? 1 : 3;
  const peer = figures[0]!;
  return [
    `| case | includes | p50 (${unit}) | p99 (${unit}) | p50 ratio to ${peer.name} |`,
    '| --- | --- | --- | --- | --- |',
    ...figures.map(
      (figure) =>
        `| ${figure.name} | ${figure.includes} | ${(figure.p50 * scale).toFixed(digits)} | ${(figure.p99 * scale).toFixed(digits)} | ${(figure.p50 / peer.p50).toFixed(2)} |`,
    ),
  ].join('\n');
}

/** One section of docs/benchmarks.md. */
export interface BenchSection {
  title: string;
  body: string;
  /** Target lines: `name: measured vs target — met|missed`. */
  verdicts: string[];
}
