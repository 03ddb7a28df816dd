import {
  formatAge,
  formatCount,
  formatDateTime,
  formatDuration,
  formatHours,
  formatMinutes,
  formatPercent,
  formatRate,
  formatValue,
  NO_VALUE,
} from '../src/lib/format';

describe('numbers for people', () => {
  it('given counts, when formatted, then thousands and millions are abbreviated to one decimal', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(987)).toBe('987');
    expect(formatCount(1173)).toBe('1.2k');
    expect(formatCount(12_480)).toBe('12.5k');
    expect(formatCount(999_960)).toBe('1M');
    expect(formatCount(3_400_000)).toBe('3.4M');
  });

  it('given ratios, when formatted, then they read as percentages with at most one decimal', () => {
    expect(formatPercent(0.675)).toBe('67.5%');
    expect(formatPercent(0.72)).toBe('72%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('given hours, when formatted as a duration, then the two largest units are shown', () => {
    expect(formatDuration(10 / 3)).toBe('3 h 20 min');
    expect(formatDuration(0.75)).toBe('45 min');
    expect(formatDuration(2)).toBe('2 h');
    expect(formatDuration(251.7)).toBe('10 d 12 h');
    expect(formatDuration(47.99)).toBe('2 d');
    expect(formatDuration(0.001)).toBe('< 1 min');
    expect(formatDuration(0)).toBe('0 min');
    expect(formatMinutes(200)).toBe('3 h 20 min');
  });

  it('given totals of hours and rates, when formatted, then they carry their unit', () => {
    expect(formatHours(37.25)).toBe('37.3 h');
    expect(formatHours(1234.5)).toBe('1.2k h');
    expect(formatRate(123.4)).toBe('123.40 / h');
  });

  it('given no value, when formatted, then every formatter shows the same dash', () => {
    for (const format of [formatCount, formatPercent, formatDuration, formatHours, formatRate, formatMinutes])
      expect(format(null)).toBe(NO_VALUE);
    expect(formatValue('')).toBe(NO_VALUE);
  });

  it('given timestamps, when formatted, then they read in UTC and relative to now', () => {
    expect(formatDateTime('2026-12-02T14:05:00.000Z')).toBe('2 Dec 2026, 14:05 UTC');
    const now = new Date('2026-12-02T15:00:00Z');
    expect(formatAge('2026-12-02T14:55:00Z', now)).toBe('5 min ago');
    expect(formatAge('2026-12-02T12:00:00Z', now)).toBe('3 h ago');
    expect(formatAge('2026-11-28T15:00:00Z', now)).toBe('4 d ago');
  });
});
