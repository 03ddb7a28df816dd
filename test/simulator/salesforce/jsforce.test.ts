/**
 * The npm Salesforce client jsforce 3.10.16 (the last release for Node 20, reference §B.8) against the simulator:
 * client-credentials login, `query` with autoFetch / maxFetch across several batches, scanAll (queryAll),
 * getDeleted, limitInfo and its retry of 503.
 */
import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { aClock, anOrg, idsOf, type AnyRecord } from './helpers';

const jsforce = require('jsforce');

describe('jsforce 3.10.16 against the Salesforce simulator', () => {
  const org = anOrg({ sizes: { Account: 20, Contact: 60, Case: 5_432 } });
  const clock = aClock();
  let sim: SalesforceSimulator;
  beforeAll(async () => {
    sim = await startSalesforceSimulator({ orgs: [org], now: clock.now });
  });
  afterAll(() => sim.stop());
  beforeEach(() => sim.resetRequests());

  const connect = async () => {
    const conn = new jsforce.Connection({
      loginUrl: sim.instanceUrl,
      version: '62.0',
      oauth2: { loginUrl: sim.instanceUrl, clientId: org.clientId, clientSecret: org.clientSecret },
    });
    await conn.authorize({ grant_type: 'client_credentials' });
    return conn;
  };

  it('given client credentials, when authorize runs, then the connection points at instance_url with the org’s Id', async () => {
    const conn = await connect();
    expect(conn.instanceUrl).toBe(sim.instanceUrl);
    expect(conn.userInfo.organizationId).toMatch(/^00D/);
  });

  it('given autoFetch and maxFetch, when query runs over 5,432 Cases in batches of 1000, then it returns records() exactly, following 5 locators', async () => {
    const conn = await connect();
    const result = await conn.query(
      'SELECT Id, IsDeleted, CaseNumber, AccountId, ContactId, Subject, Status, Priority, Origin, IsClosed, ClosedDate, CreatedDate, LastModifiedDate, SystemModstamp FROM Case ORDER BY Id',
      {
        autoFetch: true,
        maxFetch: 100_000,
        headers: { 'Sforce-Query-Options': 'batchSize=1000' },
      },
    );
    expect(result.totalSize).toBe(5_432);
    expect(result.records).toEqual([...sim.records('acme', 'Case')]);
    const paths = sim.requests('acme').map((request) => request.path);
    expect(paths.filter((path) => path.startsWith('/services/data/v62.0/query/01g'))).toHaveLength(5);
    expect(conn.limitInfo.apiUsage).toEqual({ used: expect.any(Number), limit: 15_000 });
  });

  it('given a maxFetch below the total, when query autoFetches, then it stops at maxFetch', async () => {
    const conn = await connect();
    const result = await conn.query('SELECT Id FROM Case', { autoFetch: true, maxFetch: 2_500 });
    expect(result.records).toHaveLength(2_500);
    expect(idsOf(result.records)).toEqual(sim.ids('acme', 'Case').slice(0, 2_500));
  });

  it('given deleted Cases, when scanAll queries and getDeleted runs, then jsforce sees them', async () => {
    const conn = await connect();
    const gone = sim.ids('acme', 'Case').slice(0, 3);
    sim.deleteRecords('acme', 'Case', gone);
    const all = await conn.query('SELECT Id FROM Case WHERE IsDeleted = true', {
      scanAll: true,
      autoFetch: true,
    });
    expect(idsOf(all.records)).toEqual(gone);
    expect(sim.requests('acme').some((request) => request.path === '/services/data/v62.0/queryAll')).toBe(
      true,
    );
    clock.advance(120);
    const deleted = await conn
      .sobject('Case')
      .deleted(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-03T00:00:00Z'));
    expect(deleted.deletedRecords.map((record: AnyRecord) => record.id)).toEqual(gone);
  });

  it('given a 503 on the second batch, when query autoFetches, then jsforce retries and still returns every record once', async () => {
    const conn = await connect();
    sim.onRequest((request) => {
      if (request.status === 200 && request.path === '/services/data/v62.0/query')
        sim.setFaults({ rate503: 1 });
      else sim.setFaults(undefined);
    });
    try {
      const result = await conn.query('SELECT Id FROM Case', { autoFetch: true, maxFetch: 100_000 });
      expect(idsOf(result.records)).toEqual(sim.ids('acme', 'Case'));
      expect(sim.requests('acme').filter((request) => request.fault === '503')).toHaveLength(1);
    } finally {
      sim.onRequest(undefined);
      sim.setFaults(undefined);
    }
  });

  it('given an unknown token or an exhausted allocation, when query runs, then jsforce surfaces INVALID_SESSION_ID and REQUEST_LIMIT_EXCEEDED', async () => {
    const limited = await startSalesforceSimulator({ orgs: [anOrg({ dailyRequestLimit: 0 })] });
    try {
      const conn = new jsforce.Connection({
        instanceUrl: limited.instanceUrl,
        accessToken: 'unused',
        version: '62.0',
      });
      await expect(conn.query('SELECT Id FROM Case')).rejects.toMatchObject({
        errorCode: 'INVALID_SESSION_ID',
      });
      const real = new jsforce.Connection({
        loginUrl: limited.instanceUrl,
        version: '62.0',
        oauth2: { loginUrl: limited.instanceUrl, clientId: 'acme-client', clientSecret: 'acme-secret' },
      });
      await real.authorize({ grant_type: 'client_credentials' });
      await expect(real.query('SELECT Id FROM Case')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
      });
    } finally {
      await limited.stop();
    }
  });
});
