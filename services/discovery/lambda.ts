import { awsPorts } from '../../shared/adapters/awsComposition';
import { makeHandler } from './handler';

const ports = awsPorts('discovery');

/** EventBridge schedule (or a manual invoke with `{ tenantIds }`) → a new job. */
export const handler = ports.entryPoint(
  makeHandler({ registry: ports.registry, bus: ports.bus, log: ports.log }),
);
