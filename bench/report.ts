import { lineChartSvg } from './chart';
import { describeTarget, formatNumber, type Figure } from './figures';
import type { Machine } from './machine';
import type { ScenarioResult, ScenarioTable } from './scenarios/types';

export interface BenchResult {
  mode: 'quick' | 'full';
  command: string;
  machine: Machine;
  /** Wall time of the whole suite. */
  seconds: number;
  scenarios: ScenarioResult[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function metLabel(met: boolean | null): string {
  return met === null ? 'n/a' : met ? 'met' : '**not met**';
}

/** Scenario | Figure | Value | Target | Met, one row per figure. */
export function figuresTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) =>
    [
      figure.scenario,
      figure.name,
      Number.isFinite(figure.value)
        ? `${formatNumber(figure.value)}${figure.unit ? ` ${figure.unit}` : ''}`
        : 'not measured (run failed)',
      describeTarget(figure.target, figure.unit),
      metLabel(figure.met),
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '| Scenario | Figure | Value | Target | Met |',
    '| --- | --- | ---: | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

export function concurrencyChart(result: BenchResult): string | undefined {
  const sweep = result.scenarios.find(
    (scenario) => scenario.sweep && scenario.sweep.points.length > 0,
  )?.sweep;
  if (!sweep) return undefined;
  // The ideal bound grows with concurrency long after a CPU-bound pipeline stops: clip it, so the measured
  // line keeps the height of the chart.
  const measuredMax = Math.max(...sweep.points.map((point) => point.recordsPerSecond));
  return lineChartSvg({
    yMax: measuredMax * 2,
    title: `Throughput against fetcher concurrency (${sweep.fleet}, ${result.mode})`,
    xLabel: 'fetcher concurrency',
    yLabel: 'records/s',
    series: [
      {
        name: 'measured',
        color: '#1f77b4',
        points: sweep.points.map((point) => ({ x: point.concurrency, y: point.recordsPerSecond })),
      },
      {
        name: 'ideal bound (latency ÷ allowed concurrency; clipped at the top)',
        color: '#999',
        dashed: true,
        points: sweep.points.map((point) => ({ x: point.concurrency, y: point.idealRecordsPerSecond })),
      },
    ],
  });
}

/** A scenario's own table as markdown: a bold title line, then the table, the first column left-aligned. */
export function scenarioTable(table: ScenarioTable): string {
  const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    `**${table.title}**`,
    '',
    row(table.columns),
    `| ${table.columns.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`,
    ...table.rows.map(row),
  ].join('\n');
}

export function resultsMarkdown(result: BenchResult): string {
  const figures = result.scenarios.flatMap((scenario) => scenario.figures);
  const met = figures.filter((figure) => figure.met === true).length;
  const judged = figures.filter((figure) => figure.met !== null).length;
  const tables = result.scenarios.flatMap((scenario) =>
    (scenario.tables ?? []).map((table) => `\n${scenarioTable(table)}\n`),
  );
  return `${figuresTable(figures)}\n\n${met} of ${judged} targets met.\n${tables.join('')}`;
}

/**
 * A first reading of what limits each run that reports how busy the pipeline kept the cores: near the core
 * count it is CPU-bound; well below it, it waits (on the source's latency, a concurrency limit or a serial step).
 */
export function limitsNotes(result: BenchResult): string[] {
  const cores = result.machine.cores;
  return result.scenarios.flatMap((scenario) =>
    scenario.figures
      .filter((figure) => figure.name.startsWith('cores busy'))
      .map((figure) => {
        const verdict =
          figure.value >= 0.8 * cores
            ? 'CPU-bound: faster code, not more concurrency, raises its throughput'
            : `not CPU-bound (${Math.round((figure.value / cores) * 100)}% of the cores): it waits on latency, a concurrency limit, a serial step or retries, or other processes took the cores (see the load average)`;
        return `- ${figure.scenario}: the pipeline kept ${formatNumber(figure.value)} of ${cores} cores busy; ${verdict}.`;
      }),
  );
}

/** Runs whose tenants did not all succeed, found in the scenarios' details, with the first error they logged. */
export function failedRuns(result: BenchResult): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, scenario: ScenarioResult) => {
    if (!value || typeof value !== 'object') return;
    const run = value as { allSucceeded?: unknown; problems?: unknown; tenants?: unknown };
    if (run.allSucceeded === false) {
      const error = /"error":"((?:[^"\\]|\\.){0,400})/.exec(String(run.problems ?? ''))?.[1];
      found.add(`- ${scenario.title}: ${error ? `\`${error.replace(/\\"/g, '"')}\`` : 'no error logged'}`);
      return;
    }
    for (const child of Object.values(value)) visit(child, scenario);
  };
  for (const scenario of result.scenarios) visit(scenario.details, scenario);
  return [...found];
}

const API_METHOD = `
**The API under load** (scenario 6): the server (\`startServer\` of \`avesa serve\`) and the load generator
(bench/apiLoad.ts) run in processes of their own on the same two cores, so each one's CPU is reported, with the
rest of the machine's as "other". The load is open-loop at a fixed rate: request *k* is due at *k* ÷ rate,
whatever the answers before it did, and waits for a free connection when all are busy. Latency runs from
writing the request to its last byte; "p95 from schedule" runs from when it was due, so waiting for a
connection counts (coordinated omission corrected). Requests still waiting when the time is up are not sent
("not sent"). autocannon's \`overallRate\` is not used: it sends each connection's share of a second back to
back at every second's tick, and its corrected percentiles assume 1 ms between requests.
`;

const SALESFORCE_METHOD = `
**Salesforce requests** (scenario 7, bench/scenarios/salesforce.ts; alone: \`npm run bench -- --scenario 7\`): the
Salesforce simulator runs in the bench's own process, the pipeline in one of its own as above, with the tenant's
defaults (batches of 2,000 by \`Sforce-Query-Options\`, the planner's ~20,000 records per SystemModstamp chunk). The
simulator's log is split into the OAuth token, planning (\`SELECT COUNT()\` and the \`… LIMIT 1\` bound queries, told
apart by their \`q\`) and pages (first batches and nextRecordsUrl batches; a queryMore batch counts for the object
whose query opened its locator); requests per 1,000 records divide a job's requests by the records its pages held.
The fewest a run can make are planning + ⌈records ÷ 2,000⌉ pages per object; a chunk's last page is usually partial,
which adds up to one page per chunk beyond that.
`;

/** docs/benchmarks.md: what was run, on what, the table, the chart, and the command that reproduces it. */
export function docsPage(result: BenchResult, chartPath: string | undefined): string {
  const { machine } = result;
  const sweep = result.scenarios.find((scenario) => scenario.sweep)?.sweep;
  return `# Benchmarks

Generated by \`${result.command}\` (bench/index.ts) on ${machine.date.slice(0, 10)}; do not edit by hand.
Reproduce with:

\`\`\`sh
${result.command}
\`\`\`

${result.mode === 'quick' ? "**These are the quick (CI smoke test) sizes, not issue 6's full sizes**; `npm run bench` runs the full suite.\n\n" : ''}## Machine

| | |
| --- | --- |
| CPU | ${machine.cpu} |
| Cores | ${machine.cores} |
| RAM | ${machine.ramGb} GB |
| OS | ${machine.os} |
| Node | ${machine.node} |
| Date | ${machine.date} |
| Revision | ${machine.revision} |
| Load average (1 min) | ${machine.loadAverage.start.toFixed(2)} at the start, ${machine.loadAverage.end.toFixed(2)} at the end |
| Suite wall time | ${formatNumber(result.seconds)} s (${result.mode}) |

## How it measures

The pipeline runs in a node process of its own (bench/runPipeline.ts: the embedded \`LocalPipeline\`, as
\`avesa run\` wires it; debug and info logs dropped, warnings and errors kept) and the ConnectWise simulator in another (bench/simulatorLauncher.ts), so
peak RSS (\`process.resourceUsage().maxRSS\`) is the pipeline's alone and the simulator's CPU is not charged
to it. Times run from the job's start to the last queue going idle: fetch, raw Parquet, canonical versions
and compaction. Requests are counted from the simulator's log: list requests (every answer, 429s included)
apart from planning calls (\`/count\` and \`fields=id\` bound queries). Baselines run in the same suite, so a
ratio holds on a noisy machine.

**Ideal bound** (scenario 1, bench/idealBound.ts): pages × mean page latency ÷ allowed concurrency, where
allowed concurrency = min(fetcher concurrency, Σ over tenants of min(maxConcurrentRequests, requestsPerMinute ÷
60 s × page latency)) — a fetcher invocation has one page in flight, and a tenant's rate limit allows that many
requests in flight by Little's law — and never less than the busiest tenant's own pages × latency ÷ its
concurrency. It leaves out planning calls, CPU and the transform. Concurrency *c* in the sweep means *c*
fetcher invocations and at most min(*c*, the tenant's limit) requests per tenant; *c* = 1 is the sequential
baseline.
${result.scenarios.some((scenario) => scenario.id === 6) ? API_METHOD : ''}${result.scenarios.some((scenario) => scenario.id === 7) ? SALESFORCE_METHOD : ''}
## Results

${resultsMarkdown(result)}
${failedRuns(result).length > 0 ? `\n### Runs that failed\n\nTheir figures above are what they did until they stopped; the first error each logged:\n\n${failedRuns(result).join('\n')}\n` : ''}${limitsNotes(result).length > 0 ? `\n### What limits it\n\n${limitsNotes(result).join('\n')}\n` : ''}${chartPath ? `\n![Throughput against concurrency${sweep ? ` (${sweep.fleet})` : ''}](${chartPath})\n` : ''}
## Scenarios

${result.scenarios.map((scenario) => `${scenario.id}. **${scenario.title}**: ${scenario.setup}`).join('\n')}
`;
}
