import type { Figure } from '../figures';

/** One point of the concurrency sweep (the chart). */
export interface SweepPoint {
  concurrency: number;
  recordsPerSecond: number;
  /** records ÷ the ideal bound's seconds at this concurrency. */
  idealRecordsPerSecond: number;
  seconds: number;
}

export interface ScenarioResult {
  id: number;
  title: string;
  /** What was run, in one or two sentences, sizes included. */
  setup: string;
  figures: Figure[];
  sweep?: { fleet: string; points: SweepPoint[] };
  /** Raw measurements, for the JSON result. */
  details: Record<string, unknown>;
}
