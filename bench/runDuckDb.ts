/**
 * The reference cost of scenario 2: DuckDB reads the same records as NDJSON and writes them as one Parquet
 * file, in a process of its own. Prints one JSON line (DuckDbRun).
 *
 *   node -r tsx/cjs bench/runDuckDb.ts '{"input":"tickets.ndjson","output":"tickets.parquet"}'
 */
import { DuckDBInstance } from '@duckdb/node-api';

export interface DuckDbRun {
  records: number;
  seconds: number;
  peakRssMb: number;
}

async function main(): Promise<void> {
  const { input, output } = JSON.parse(process.argv[2] ?? '') as { input: string; output: string };
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const started = performance.now();
    await connection.run(
      `COPY (SELECT * FROM read_json('${input}', format = 'newline_delimited')) TO '${output}' (FORMAT parquet)`,
    );
    const seconds = (performance.now() - started) / 1000;
    const reader = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${output}')`,
    );
    const records = reader.getRowObjectsJS()[0]!.n as number;
    const run: DuckDbRun = { records, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

main().catch((cause: unknown) => {
  console.error(cause);
  process.exit(1);
});
