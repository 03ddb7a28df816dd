import { awsPorts } from '../../shared/adapters/awsComposition';
import { systemClock } from '../../shared/ports';
import { DEFAULT_FETCHER_SETTINGS } from './fetchChunk';
import { makeHandler } from './handler';

// One bundle serves both lanes: serverless.yml sets FETCHER_LANE=backfill on the backfill lane's function.
const lane = process.env.FETCHER_LANE === 'backfill' ? 'backfill' : 'scheduled';
const ports = awsPorts(lane === 'backfill' ? 'backfill-fetcher' : 'fetcher');

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
    lane,
  }),
);
