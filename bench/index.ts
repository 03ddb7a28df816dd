/**
 * The benchmark suite of issue 6: latency-bound fleet, CPU-bound, incremental, scaling and fairness, each beside
 * its baseline in the same run; issue 11's analytics API under load (scenario 6); Salesforce requests per 1,000
 * records (scenario 7); issue 14's backfill beside hourly syncs (scenario 8); and issue 15's fleet of small
 * tenants, full then incremental, in requests per table (scenario 9). Writes bench/results/latest.{json,md} and
 * concurrency.svg; a complete run also regenerates docs/benchmarks.md (and docs/benchmarks.svg).
 *
 *   npm run bench                      # the full suite (long: the sequential baseline alone takes minutes)
 *   npm run bench -- --quick           # small sizes, the CI smoke test
 *   npm run bench -- --scenario 2 --scenario 3
 *   npm run bench -- --quick --docs    # also write docs/ from a quick or partial run
 *   npm run bench -- --scenario 1 --merge bench/results/latest.json   # adds the other scenarios of an earlier run
 *   npm run bench -- --report-only --merge bench/results/latest.json  # re-renders an earlier run
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { FULL, QUICK } from './config';
import { describeMachine } from './machine';
import { failures, log, type Measurement } from './measure';
import { concurrencyChart, docsPage, resultsMarkdown, type BenchResult } from './report';
import { apiLoad } from './scenarios/api';
import { cpuBound } from './scenarios/cpuBound';
import { fairness } from './scenarios/fairness';
import { backfillFairness } from './scenarios/backfillFairness';
import { latencyFleet } from './scenarios/latencyFleet';
import { salesforceRequests } from './scenarios/salesforce';
import { scaling } from './scenarios/scaling';
import { smallFleet } from './scenarios/smallFleet';
import type { ScenarioResult } from './scenarios/types';

const ROOT = join(__dirname, '..');
const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true },
      docs: { type: 'boolean', default: false },
      out: { type: 'string', default: join(ROOT, 'bench', 'results') },
      merge: { type: 'string' },
      'report-only': { type: 'boolean', default: false },
    },
  });
  // Read before anything is written: --merge may name the file this run replaces.
  const earlier = values.merge ? (JSON.parse(readFileSync(values.merge, 'utf8')) as BenchResult) : undefined;
  const config = values.quick ? QUICK : FULL;
  if (values['report-only'] && !values.merge) throw new Error('--report-only needs --merge FILE');
  const selected = values['report-only'] ? [] : (values.scenario?.map(Number) ?? ALL);
  const unknown = selected.filter((id) => !ALL.includes(id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')} (expected 1–9)`);
  const wants = (id: number) => selected.includes(id);
  const command = ['npm run bench', ...(values.quick ? ['-- --quick'] : [])].join(' ');
  const workDir = mkdtempSync(join(tmpdir(), 'avesa-bench-'));
  const started = performance.now();
  const loadAtStart = loadavg()[0]!;
  const scenarios: ScenarioResult[] = [];
  const singleTenantRuns = new Map<number, Measurement>();
  try {
    if (wants(2) || wants(3)) {
      const results = await cpuBound(config.cpuBound, join(workDir, 'cpu'), {
        cpu: wants(2),
        incremental: wants(3),
      });
      singleTenantRuns.set(config.cpuBound.tickets, results.full);
      if (results.cpu) scenarios.push(results.cpu);
      if (results.incremental) scenarios.push(results.incremental);
    }
    if (wants(4))
      scenarios.push(await scaling(config.scaling.tickets, join(workDir, 'scaling'), singleTenantRuns));
    if (wants(1)) scenarios.push(await latencyFleet(config.latencyFleet, join(workDir, 'fleet')));
    if (wants(5)) scenarios.push(await fairness(config.fairness, join(workDir, 'fairness')));
    if (wants(6)) scenarios.push(await apiLoad(config.api, join(workDir, 'api')));
    if (wants(7)) scenarios.push(await salesforceRequests(config.salesforce, join(workDir, 'salesforce')));
    if (wants(8))
      scenarios.push(await backfillFairness(config.backfillFairness, join(workDir, 'backfill-fairness')));
    if (wants(9)) scenarios.push(await smallFleet(config.smallFleet, join(workDir, 'small-fleet')));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (earlier) {
    if (earlier.mode !== config.mode) throw new Error(`--merge: ${values.merge} holds a ${earlier.mode} run`);
    scenarios.push(
      ...earlier.scenarios.filter((scenario) => !scenarios.some((ran) => ran.id === scenario.id)),
    );
  }
  scenarios.sort((a, b) => a.id - b.id);
  const ran = new Set(scenarios.map((scenario) => scenario.id));
  const result: BenchResult = {
    mode: config.mode,
    command:
      ran.size === ALL.length
        ? command
        : `${command}${values.quick ? '' : ' --'} ${[...ran].map((id) => `--scenario ${id}`).join(' ')}`,
    machine: values['report-only'] && earlier ? earlier.machine : describeMachine(loadAtStart),
    seconds: (performance.now() - started) / 1000 + (earlier?.seconds ?? 0),
    scenarios,
  };
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(values.out, 'latest.md'), resultsMarkdown(result));
  const chart = concurrencyChart(result);
  if (chart) writeFileSync(join(values.out, 'concurrency.svg'), chart);
  const complete = ran.size === ALL.length && config.mode === 'full';
  if (complete || values.docs) {
    const docs = join(ROOT, 'docs');
    if (chart) writeFileSync(join(docs, 'benchmarks.svg'), chart);
    const page = join(docs, 'benchmarks.md');
    // Formatted as the repository's `prettier --check .` (npm run lint) expects it.
    const markdown = docsPage(result, chart ? 'benchmarks.svg' : undefined);
    writeFileSync(page, await format(markdown, { ...(await resolveConfig(page)), filepath: page }));
    log(`wrote ${relative(ROOT, join(docs, 'benchmarks.md'))}`);
  }
  process.stdout.write(
    `${resultsMarkdown(result)}\nSuite: ${result.seconds.toFixed(1)} s; results in ${relative(ROOT, values.out)}/\n`,
  );
  if (failures.length > 0) {
    process.stdout.write(`\nFAILED RUNS (their figures are above, marked):\n${failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
