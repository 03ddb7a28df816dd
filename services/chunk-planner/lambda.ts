import { awsPorts } from '../../shared/adapters/awsComposition';
import { makeHandler } from './handler';
import { DEFAULT_PLANNER_SETTINGS } from './planTenant';

const ports = awsPorts('chunk-planner');

export const handler = ports.entryPoint(
  makeHandler({
    readerFor: ports.readerFor,
    state: ports.state,
    bus: ports.bus,
    log: ports.log,
    settings: DEFAULT_PLANNER_SETTINGS,
  }),
);
