import { lineChartSvg, niceCeiling } from '../../bench/chart';
import { atLeast, atMost, below, describeTarget, figure, formatNumber, meets } from '../../bench/figures';
import { failedRuns, figuresTable, scenarioTable, type BenchResult } from '../../bench/report';
import { countRequests } from '../../bench/requestCounts';
import type { RecordedRequest } from '../../simulator';

describe('figures against targets', () => {
  it('given each kind of target, then met follows its bound, and a figure without one is not judged', () => {
    expect(meets(25_000, atLeast(25_000))).toBe(true);
    expect(meets(24_999, atLeast(25_000))).toBe(false);
    expect(meets(1.05, atMost(1.05))).toBe(true);
    expect(meets(400, below(400))).toBe(false);
    expect(meets(Number.NaN, atMost(2))).toBe(false);
    expect(figure('S', 'wall time', 3, 's').met).toBeNull();
  });

  it('given values near a target, then the table shows enough decimals to tell them apart', () => {
    expect(formatNumber(1.0512)).toBe('1.051');
    expect(formatNumber(25_431.7)).toBe('25,432');
    expect(describeTarget(atLeast(10_000, 'seed claim'), 'records/min')).toBe(
      '≥ 10,000 records/min (seed claim)',
    );
  });

  it('given figures, then the markdown table has one row each with its target and verdict', () => {
    const table = figuresTable([
      figure('S2', 'records/s', 6500, 'records/s', atLeast(25_000)),
      figure('S2', 'peak RSS', 310, 'MB', below(400)),
      figure('S2', 'wall time', 12.5, 's'),
      figure('S5', 'big tenant completion', Number.NaN, 's'),
    ]);
    const rows = table.split('\n');
    expect(rows).toHaveLength(6);
    expect(rows[2]).toBe('| S2 | records/s | 6,500 records/s | ≥ 25,000 records/s | **not met** |');
    expect(rows[3]).toBe('| S2 | peak RSS | 310 MB | < 400 MB | met |');
    expect(rows[4]).toBe('| S2 | wall time | 12.5 s | — | n/a |');
    expect(rows[5]).toBe('| S5 | big tenant completion | not measured (run failed) | — | n/a |');
  });
});

describe("a scenario's own table", () => {
  it('given rows, then a titled markdown table, the label column left and the figures right, pipes escaped', () => {
    const markdown = scenarioTable({
      title: 'API under load',
      columns: ['Part', 'p95', 'Non-2xx'],
      rows: [['demo, cached', '4.2', '429: 3 | 404: 1']],
    });
    expect(markdown.split('\n')).toEqual([
      '**API under load**',
      '',
      '| Part | p95 | Non-2xx |',
      '| --- | ---: | ---: |',
      '| demo, cached | 4.2 | 429: 3 \\| 404: 1 |',
    ]);
  });
});

describe('the concurrency chart', () => {
  it('given a maximum, then the y axis ends at the next 1, 2 or 5 times a power of ten', () => {
    expect(niceCeiling(3700)).toBe(5000);
    expect(niceCeiling(1000)).toBe(1000);
    expect(niceCeiling(0)).toBe(1);
  });

  it('given two series, then it is one SVG with a line and a point per measurement, labels escaped', () => {
    const svg = lineChartSvg({
      title: 'a < b',
      xLabel: 'fetchers',
      yLabel: 'records/s',
      series: [
        { name: 'measured', color: 'blue', points: [1, 2, 4].map((x) => ({ x, y: x * 100 })) },
        { name: 'ideal', color: 'grey', dashed: true, points: [1, 2, 4].map((x) => ({ x, y: x * 150 })) },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('stroke-dasharray');
  });
});

describe('request counts from the simulator log', () => {
  const request = (overrides: Partial<RecordedRequest>): RecordedRequest => ({
    companyId: 't1',
    method: 'GET',
    path: '/v4_6_release/apis/3.0/service/tickets',
    query: {},
    status: 200,
    records: 1000,
    startedAt: 0,
    endedAt: 1,
    ...overrides,
  });

  it('given counts, bound queries, pages and a 429, then planning calls are apart from list requests', () => {
    const counts = countRequests([
      request({ path: '/v4_6_release/apis/3.0/service/tickets/count', records: 0 }),
      request({ query: { fields: 'id', pageSize: '1' }, records: 1 }),
      request({}),
      request({ companyId: 't2', records: 10 }),
      request({ status: 429, records: 0 }),
    ]);
    expect(counts).toEqual({
      listRequests: 3,
      listPages: 2,
      planningCalls: 2,
      throttled: 1,
      recordsListed: 1010,
      pagesByTenant: { t1: 1, t2: 1 },
    });
  });
});

describe('runs that failed', () => {
  it('given a run whose tenants did not all succeed, then the page names its scenario and first error', () => {
    const failed = {
      allSucceeded: false,
      problems: '{"level":"warn","message":"record failed","error":"IO Error: no \\"spill\\" directory"}\n',
    };
    const result = {
      mode: 'quick',
      command: 'npm run bench -- --quick',
      machine: {} as BenchResult['machine'],
      seconds: 1,
      scenarios: [
        { id: 2, title: 'CPU-bound', setup: '', figures: [], details: { full: { run: failed } } },
        {
          id: 4,
          title: 'Scaling',
          setup: '',
          figures: [],
          details: { runs: [{ run: { allSucceeded: true } }] },
        },
      ],
    } satisfies BenchResult;
    expect(failedRuns(result)).toEqual(['- CPU-bound: `IO Error: no "spill" directory`']);
  });
});
