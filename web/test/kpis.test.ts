import { formatKpi, KPI_GROUPS, KPI_PRESENTATION, kpiChange } from '../src/lib/kpis';

describe('KPI tiles', () => {
  it('given the KPI groups, then every KPI the presentation knows is shown exactly once', () => {
    const shown = KPI_GROUPS.flatMap((group) => group.kpis);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual(Object.keys(KPI_PRESENTATION).sort());
  });

  it('given a backlog that grew, when compared, then it is an increase and bad news', () => {
    expect(kpiChange('open_backlog', { value: 120, previous: 100 })).toEqual({
      trend: 'up',
      text: '+20%',
      verdict: 'bad',
    });
  });

  it('given a ratio that fell, when compared, then the change is in percentage points', () => {
    expect(kpiChange('sla_attainment', { value: 0.6, previous: 0.675 })).toEqual({
      trend: 'down',
      text: '−7.5 pts',
      verdict: 'bad',
    });
  });

  it('given a KPI without a direction, when it changes, then the verdict is neutral', () => {
    expect(kpiChange('created', { value: 50, previous: 40 }).verdict).toBe('neutral');
  });

  it('given a missing value, then there is no change to tell', () => {
    expect(kpiChange('kill_rate', { value: null, previous: 0.5 })).toEqual({
      trend: 'unknown',
      text: '',
      verdict: 'neutral',
    });
  });

  it('given each unit, when formatted, then the KPI reads in its own terms', () => {
    expect(formatKpi('open_backlog', 1173)).toBe('1.2k');
    expect(formatKpi('mean_time_to_resolve_hours', 10 / 3)).toBe('3 h 20 min');
    expect(formatKpi('sla_attainment', 0.675)).toBe('67.5%');
    expect(formatKpi('mean_first_response_minutes', 45)).toBe('45 min');
  });
});
