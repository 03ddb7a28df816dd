/**
 * Latency histograms of scenario 6: HDR histograms in microseconds (hdr-histogram-js, 3 significant digits, up
 * to two minutes), summarised in milliseconds with the p95 autocannon does not report.
 */
import { build, type Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

const HIGHEST_MICROSECONDS = 120_000_000;

export function latencyHistogram(): Histogram {
  return build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MICROSECONDS,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records a latency given in milliseconds; longer than two minutes counts as two minutes. */
export function recordMs(histogram: Histogram, milliseconds: number): void {
  const microseconds = Math.round(milliseconds * 1000);
  histogram.recordValue(Math.min(HIGHEST_MICROSECONDS, Math.max(1, microseconds)));
}

const ms = (microseconds: number) => Math.round(microseconds) / 1000;

/** Percentiles in milliseconds (to the microsecond); every figure is 0 for an empty histogram. */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  return {
    count,
    p50: ms(histogram.getValueAtPercentile(50)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}

/** Exact percentiles of a small sample (sequential timings), nearest-rank, in the sample's unit. */
export function percentile(values: readonly number[], percent: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((percent / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
