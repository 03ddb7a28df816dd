import { awsPorts } from '../../shared/adapters/awsComposition';
import { systemClock } from '../../shared/ports';
import { makeHandler } from './handler';

const ports = awsPorts('transform');

export const handler = ports.entryPoint(
  makeHandler({
    sourceFor: ports.sourceFor,
    lake: ports.lake,
    bus: ports.bus,
    clock: systemClock,
    log: ports.log,
    idempotency: ports.state,
    // The function has 2048 MB (serverless.yml): DuckDB may use half and spills past that.
    duckDb: { memoryLimit: '1GB', threads: 2 },
  }),
);
