import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  date: string;
  /** The commit measured, with "+ local changes" when the working tree differs from it. */
  revision: string;
  /** 1-minute load average when the suite started and when it ended: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
}

export function describeMachine(loadAtStart: number, now = new Date()): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    date: now.toISOString(),
    revision: revision(),
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
  };
}

function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + local changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
