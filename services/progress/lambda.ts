import { awsPorts } from '../../shared/adapters/awsComposition';
import { StdoutEmfMetrics } from '../../shared/observability/stdoutEmfMetrics';
import { systemClock } from '../../shared/ports';
import { makeHandler } from './handler';

const ports = awsPorts('progress');

export const handler = ports.entryPoint(
  makeHandler({
    state: ports.state,
    bus: ports.bus,
    clock: systemClock,
    log: ports.log,
    metrics: new StdoutEmfMetrics('progress'),
  }),
);
