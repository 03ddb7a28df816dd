import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** The machine's CPU time so far (Linux /proc/stat), in seconds summed over the cores: busy and in all. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function machineCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    // USER_HZ is 100 on every Linux the benchmark runs on.
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

/** Cores the whole machine kept busy between two readings (NaN where /proc/stat cannot be read). */
export function machineCoresBusy(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (!before || !after || after.total <= before.total) return Number.NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * cpus().length;
}
