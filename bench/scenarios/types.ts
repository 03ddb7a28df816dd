import type { Figure } from '../figures';

/** One point of the concurrency sweep (the chart). */
export interface SweepPoint {
  concurrency: number;
  recordsPerSecond: number;
  /** records ÷ the ideal bound's seconds at this concurrency. */
  idealRecordsPerSecond: number;
  seconds: number;
}

/** A table of a scenario's own, beside the figures (scenario 6: one row per load run). */
export interface ScenarioTable {
  title: string;
  columns: string[];
  /** Cells as shown; the first column is a label, the others right-aligned. */
  rows: string[][];
}

export interface ScenarioResult {
  id: number;
  title: string;
  /** What was run, in one or two sentences, sizes included. */
  setup: string;
  figures: Figure[];
  sweep?: { fleet: string; points: SweepPoint[] };
  tables?: ScenarioTable[];
  /** Raw measurements, for the JSON result. */
  details: Record<string, unknown>;
}
