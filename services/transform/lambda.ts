import { awsPorts } from '../../shared/adapters/awsComposition';
import { systemClock } from '../../shared/ports';
import { makeHandler } from './handler';

const ports = awsPorts('transform');

export const handler = makeHandler({
  lake: ports.lake,
  bus: ports.bus,
  clock: systemClock,
  log: ports.log,
  idempotency: ports.state,
});
