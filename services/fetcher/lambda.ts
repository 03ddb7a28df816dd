import { awsPorts } from '../../shared/adapters/awsComposition';
import { systemClock } from '../../shared/ports';
import { DEFAULT_FETCHER_SETTINGS } from './fetchChunk';
import { makeHandler } from './handler';

const ports = awsPorts('fetcher');

export const handler = ports.entryPoint(
  makeHandler({
    readerFor: ports.readerFor,
    lake: ports.lake,
    bus: ports.bus,
    queue: ports.fetcherQueue(),
    clock: systemClock,
    log: ports.log,
    settings: DEFAULT_FETCHER_SETTINGS,
    idempotency: ports.state,
  }),
);
