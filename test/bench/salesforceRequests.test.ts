import { docsPage, type BenchResult } from '../../bench/report';
import {
  countSalesforceRequests,
  isPlanningQuery,
  objectOfQuery,
  per1000,
  UNATTRIBUTED,
} from '../../bench/scenarios/salesforce';
import { startSalesforceSimulator, type SalesforceRecordedRequest } from '../../simulator';

const QUERY = '/services/data/v62.0/queryAll';
const WINDOW = 'WHERE SystemModstamp <= 2026-01-01T00:00:00.000Z';
const countOf = (object: string) => `SELECT COUNT() FROM ${object} ${WINDOW}`;
const boundOf = (object: string, direction: 'ASC' | 'DESC') =>
  `SELECT Id, SystemModstamp FROM ${object} ${WINDOW} ORDER BY SystemModstamp ${direction} LIMIT 1`;
const chunkOf = (object: string) =>
  `SELECT Id, IsDeleted, SystemModstamp FROM ${object} ${WINDOW} ORDER BY SystemModstamp ASC, Id ASC`;

function request(overrides: Partial<SalesforceRecordedRequest>): SalesforceRecordedRequest {
  return {
    org: 'acme',
    method: 'GET',
    path: QUERY,
    query: {},
    status: 200,
    records: 0,
    startedAt: 0,
    endedAt: 0,
    ...overrides,
  };
}
const token = () => request({ method: 'POST', path: '/services/oauth2/token' });
const query = (soql: string, records: number) => request({ query: { q: soql }, records });
const queryMore = (id: string, offset: number, records: number, status = 200) =>
  request({ path: `/services/data/v62.0/query/${id}-${offset}`, records, status });
// Locator ids as the simulator issues them: a fixed prefix, then base62 digits that grow.
const FIRST_LOCATOR = '01g1A0000000B2CdEF';
const SECOND_LOCATOR = '01g1A0000000B2cXYZ';

describe('telling a Salesforce sync’s requests apart', () => {
  it('given the planner’s survey and a chunk’s query, then only COUNT() and the LIMIT 1 bounds are planning', () => {
    expect(isPlanningQuery(countOf('Case'))).toBe(true);
    expect(isPlanningQuery(boundOf('Case', 'ASC'))).toBe(true);
    expect(isPlanningQuery(boundOf('Case', 'DESC'))).toBe(true);
    expect(isPlanningQuery(chunkOf('Case'))).toBe(false);
    expect(isPlanningQuery(`${chunkOf('Case')} LIMIT 10`)).toBe(false);
    expect(objectOfQuery(chunkOf('Contact'))).toBe('Contact');
  });

  it('given queryMore batches answered out of order, then each is counted under the query that opened its locator', () => {
    const log = [
      token(),
      query(countOf('Case'), 0),
      query(boundOf('Case', 'ASC'), 1),
      query(boundOf('Case', 'DESC'), 1),
      query(countOf('Contact'), 0),
      query(chunkOf('Case'), 2000),
      query(chunkOf('Contact'), 2000),
      queryMore(SECOND_LOCATOR, 2000, 500),
      queryMore(FIRST_LOCATOR, 2000, 2000),
      queryMore(FIRST_LOCATOR, 4000, 0, 500),
      queryMore(FIRST_LOCATOR, 4000, 1200),
      request({ path: '/services/data/v62.0/limits' }),
    ];

    const counts = countSalesforceRequests(log, 2000);

    expect(counts).toMatchObject({
      total: 12,
      token: 1,
      planning: 4,
      pages: 6,
      other: 1,
      failed: 1,
      records: 2000 + 2000 + 500 + 2000 + 1200,
    });
    expect(counts.byObject).toEqual({
      Case: { planning: 3, pages: 4, queries: 1, records: 5200 },
      Contact: { planning: 1, pages: 2, queries: 1, records: 2500 },
    });
  });

  it('given a full first batch that opened no locator, then the queryMore batches are not guessed', () => {
    const log = [
      query(chunkOf('Account'), 2000),
      query(chunkOf('Case'), 2000),
      queryMore(FIRST_LOCATOR, 2000, 700),
    ];

    const counts = countSalesforceRequests(log, 2000);

    expect(counts.byObject[UNATTRIBUTED]).toEqual({ planning: 0, pages: 1, queries: 0, records: 700 });
    expect(counts.byObject.Case).toEqual({ planning: 0, pages: 1, queries: 1, records: 2000 });
  });

  it('given the simulator’s own log of two objects paged in turn, then every record lands under its object', async () => {
    const simulator = await startSalesforceSimulator({
      orgs: [{ name: 'acme', clientId: 'app', clientSecret: 'secret', sizes: { Account: 450, Case: 650 } }],
    });
    try {
      const tokenAnswer = await fetch(`${simulator.instanceUrl}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=app&client_secret=secret',
      });
      const { access_token: accessToken } = (await tokenAnswer.json()) as { access_token: string };
      const get = async (path: string) => {
        const answer = await fetch(`${simulator.instanceUrl}${path}`, {
          headers: { Authorization: `Bearer ${accessToken}`, 'Sforce-Query-Options': 'batchSize=200' },
        });
        return (await answer.json()) as { nextRecordsUrl?: string };
      };
      const first = (object: string) => get(`${QUERY}?q=${encodeURIComponent(chunkOf(object))}`);
      // Case's query opens its locator second, and its batches are asked for first.
      const pending = [await first('Account'), await first('Case')].map((batch) => batch.nextRecordsUrl);
      for (const index of [1, 0]) {
        while (pending[index]) pending[index] = (await get(pending[index]!)).nextRecordsUrl;
      }

      const counts = countSalesforceRequests(simulator.requests('acme'), 200);

      expect(counts.byObject).toEqual({
        Account: { planning: 0, pages: 3, queries: 1, records: 450 },
        Case: { planning: 0, pages: 4, queries: 1, records: 650 },
      });
      expect(counts.token).toBe(1);
    } finally {
      await simulator.stop();
    }
  });

  it('given no records, then requests per 1,000 records are infinite rather than a division by zero', () => {
    expect(per1000(106, 200_000)).toBeCloseTo(0.53);
    expect(per1000(5, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('given a result with scenario 7, then the docs page says how its requests are counted, and only then', () => {
    const result = (ids: number[]): BenchResult => ({
      mode: 'full',
      command: 'npm run bench',
      machine: {
        cpu: 'test CPU',
        cores: 2,
        ramGb: 8,
        os: 'linux',
        node: 'v20',
        date: '2026-01-01T00:00:00.000Z',
        revision: 'abc1234',
        loadAverage: { start: 0, end: 0 },
      },
      seconds: 1,
      scenarios: ids.map((id) => ({ id, title: `S${id}`, setup: '', figures: [], details: {} })),
    });

    expect(docsPage(result([7]), undefined)).toContain('**Salesforce requests** (scenario 7');
    expect(docsPage(result([2]), undefined)).not.toContain('**Salesforce requests**');
  });
});
