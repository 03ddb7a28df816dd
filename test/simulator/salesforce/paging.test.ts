import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { aClock, anOrg, idsOf, login, queryAllPages, sfGet, soql, type AnyRecord } from './helpers';

const LOCATOR_URL = /^\/services\/data\/v62\.0\/query\/01g[0-9A-Za-z]{15}-\d+$/;

describe('Salesforce simulator: query paging, ordering, relationships and COUNT()', () => {
  const clock = aClock();
  let sim: SalesforceSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSalesforceSimulator({
      orgs: [anOrg({ sizes: { Account: 15, Contact: 40, Case: 4_321, WorkOrder: 60, TimeSheetEntry: 90 } })],
      now: clock.now,
      queryLocatorSeconds: 600,
    });
    token = await login(sim);
  });
  afterAll(() => sim.stop());

  const cases = () => [...sim.records('acme', 'Case')] as AnyRecord[];

  it('given no batchSize, when 4,321 Cases are queried, then batches of 2000 follow nextRecordsUrl and every Id comes once in order', async () => {
    const first = await soql(sim, token, 'SELECT Id FROM Case ORDER BY Id');
    expect(first.json).toMatchObject({ totalSize: 4321, done: false });
    expect(first.json!.nextRecordsUrl).toMatch(LOCATOR_URL);
    expect(first.json!.nextRecordsUrl).toMatch(/-2000$/);
    const { records, batches } = await queryAllPages(sim, token, 'SELECT Id FROM Case ORDER BY Id');
    expect(batches).toEqual([2000, 2000, 321]);
    expect(idsOf(records)).toEqual(sim.ids('acme', 'Case'));
  });

  it('given Sforce-Query-Options batchSize=500, when paged, then batches of 500 and each locator offset is the records served so far', async () => {
    const { batches, urls } = await queryAllPages(sim, token, 'SELECT Id FROM Case', { batchSize: 500 });
    expect(batches).toEqual([...Array(8).fill(500), 321]);
    expect(urls.map((url) => Number(url.split('-')[1]))).toEqual([
      500, 1000, 1500, 2000, 2500, 3000, 3500, 4000,
    ]);
  });

  it('given batch sizes outside 200–2000, when queried, then they are clamped', async () => {
    expect((await soql(sim, token, 'SELECT Id FROM Case', { batchSize: 50 })).json!.records).toHaveLength(
      200,
    );
    expect((await soql(sim, token, 'SELECT Id FROM Case', { batchSize: 9000 })).json!.records).toHaveLength(
      2000,
    );
  });

  it('given a result that fits one batch, when queried, then done is true and there is no nextRecordsUrl', async () => {
    const response = await soql(sim, token, 'SELECT Id, Name FROM Account');
    expect(response.json).toEqual({ totalSize: 15, done: true, records: expect.any(Array) });
    expect(response.json!.records).toEqual(
      [...sim.records('acme', 'Account')].map(({ attributes, Id, Name }) => ({ attributes, Id, Name })),
    );
  });

  it('given ORDER BY SystemModstamp, Id with ties, when paged with batch 200, then the order is (SystemModstamp, Id) with no duplicates', async () => {
    const { records } = await queryAllPages(
      sim,
      token,
      'SELECT Id, SystemModstamp FROM Case WHERE SystemModstamp >= 2024-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC',
      { batchSize: 200 },
    );
    const expected = cases()
      .filter((record) => record.SystemModstamp >= '2024-01-01T00:00:00.000+0000')
      .sort((a, b) =>
        a.SystemModstamp < b.SystemModstamp
          ? -1
          : a.SystemModstamp > b.SystemModstamp
            ? 1
            : a.Id < b.Id
              ? -1
              : 1,
      )
      .map((record) => record.Id);
    expect(idsOf(records)).toEqual(expected);
    expect(new Set(idsOf(records)).size).toBe(records.length);
  });

  it('given a whole batch sharing one second, when read with the tie-safe keyset, then no record is lost', async () => {
    const tied = sim.ids('acme', 'Case').slice(100, 700);
    sim.setSystemModstamp('acme', 'Case', tied, '2025-12-31T23:59:59.000+0000');
    const seen: string[] = [];
    let since = '2025-12-31T23:59:59Z';
    let lastId = '';
    for (;;) {
      const where = lastId
        ? `(SystemModstamp = ${since} AND Id > '${lastId}') OR SystemModstamp > ${since}`
        : `SystemModstamp >= ${since}`;
      const page = await soql(
        sim,
        token,
        `SELECT Id, SystemModstamp FROM Case WHERE ${where} ORDER BY SystemModstamp, Id LIMIT 250`,
      );
      const records = page.json!.records as AnyRecord[];
      if (records.length === 0) break;
      seen.push(...idsOf(records));
      lastId = records.at(-1)!.Id;
      since = records.at(-1)!.SystemModstamp;
    }
    expect(seen).toEqual(expect.arrayContaining(tied));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('given DESC, LIMIT and OFFSET, when queried, then they apply after filtering', async () => {
    const response = await soql(
      sim,
      token,
      "SELECT Id FROM Case WHERE Status = 'Closed' ORDER BY Id DESC LIMIT 5 OFFSET 3",
    );
    const closed = cases()
      .filter((record) => record.Status === 'Closed')
      .map((record) => record.Id)
      .reverse();
    expect(idsOf(response.json!.records)).toEqual(closed.slice(3, 8));
    expect(response.json!.totalSize).toBe(5);
  });

  it('given relationship fields, when queried, then parents nest under the relationship name with attributes, or are null', async () => {
    const response = await soql(
      sim,
      token,
      'SELECT Id, Account.Name, Account.Industry, Contact.Email, Subject FROM Case LIMIT 3',
    );
    const [record] = response.json!.records as AnyRecord[];
    const truth = cases()[0]!;
    const account = ([...sim.records('acme', 'Account')] as AnyRecord[]).find(
      (a) => a.Id === truth.AccountId,
    )!;
    expect(Object.keys(record!)).toEqual(['attributes', 'Id', 'Account', 'Contact', 'Subject']);
    expect(record!.Account).toEqual({
      attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${account.Id}` },
      Name: account.Name,
      Industry: account.Industry,
    });
    const orphan = sim.addRecords('acme', 'Contact', 1)[0]!;
    const contact = await soql(sim, token, `SELECT Id, Account.Name FROM Contact WHERE Id = '${orphan}'`);
    expect(contact.json!.records[0].Account).toBeNull();
    const entries = await soql(sim, token, 'SELECT Id, WorkOrder.CaseId FROM TimeSheetEntry LIMIT 1');
    expect(entries.json!.records[0].WorkOrder).toMatchObject({
      attributes: { type: 'WorkOrder' },
      CaseId: expect.stringMatching(/^500/),
    });
  });

  it('given a relationship field in WHERE, when queried, then it filters by the parent', async () => {
    const name = ([...sim.records('acme', 'Account')] as AnyRecord[])[0]!.Name as string;
    const response = await queryAllPages(
      sim,
      token,
      `SELECT Id FROM Case WHERE Account.Name = '${name.replace(/'/g, "\\'")}'`,
    );
    const accountId = ([...sim.records('acme', 'Account')] as AnyRecord[])[0]!.Id;
    expect(idsOf(response.records)).toEqual(
      cases()
        .filter((record) => record.AccountId === accountId)
        .map((record) => record.Id),
    );
  });

  it('given COUNT(), when queried, then totalSize is the count, done is true and records is empty', async () => {
    const response = await soql(sim, token, 'SELECT COUNT() FROM Case WHERE IsClosed = true');
    expect(response.json).toEqual({
      totalSize: cases().filter((record) => record.IsClosed).length,
      done: true,
      records: [],
    });
  });

  it('given an expired or unknown locator, when fetched, then 400 INVALID_QUERY_LOCATOR', async () => {
    const first = await soql(sim, token, 'SELECT Id FROM Case');
    const next = first.json!.nextRecordsUrl as string;
    expect((await sfGet(sim, next, token)).status).toBe(200);
    const unknown = await sfGet(sim, '/services/data/v62.0/query/01gAAAAAAAAAAAAAAA-2000', token);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    clock.advance(601);
    const expired = await sfGet(sim, next, await login(sim));
    expect(expired.json![0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });
});
