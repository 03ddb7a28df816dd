import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { aClock, anOrg, idsOf, login, queryAllPages, sfGet, soql, type AnyRecord } from './helpers';

const DAY = 86_400;

describe('Salesforce simulator: soft deletes, queryAll and getDeleted', () => {
  let clock: ReturnType<typeof aClock>;
  let sim: SalesforceSimulator;
  let token: string;
  beforeEach(async () => {
    clock = aClock('2026-01-02T03:04:05Z');
    sim = await startSalesforceSimulator({
      orgs: [anOrg({ sessionSeconds: 40 * DAY, dailyRequestLimit: 1_000_000 })],
      now: clock.now,
    });
    token = await login(sim);
  });
  afterEach(() => sim.stop());

  const deleted = (object: string, start: string, end: string) =>
    sfGet(
      sim,
      `/services/data/v62.0/sobjects/${object}/deleted/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`,
      token,
    );

  it('given deleted Cases, when query and queryAll run, then query omits them and queryAll returns them with IsDeleted=true and a bumped SystemModstamp', async () => {
    const gone = sim.ids('acme', 'Case').slice(10, 13);
    sim.deleteRecords('acme', 'Case', gone);
    const live = await queryAllPages(sim, token, 'SELECT Id FROM Case');
    expect(idsOf(live.records)).toEqual(sim.ids('acme', 'Case'));
    expect(idsOf(live.records)).not.toEqual(expect.arrayContaining([gone[0]]));
    const all = await soql(
      sim,
      token,
      'SELECT Id, IsDeleted, SystemModstamp FROM Case WHERE IsDeleted = true',
      { all: true },
    );
    expect(
      all.json!.records.map(({ Id, IsDeleted, SystemModstamp }: AnyRecord) => [
        Id,
        IsDeleted,
        SystemModstamp,
      ]),
    ).toEqual(gone.map((id) => [id, true, '2026-01-02T03:04:05.000+0000']));
    expect(sim.records('acme', 'Case')).toHaveLength(1_234 - 3);
  });

  it('given queryAll with more than one batch, when paged, then nextRecordsUrl still says /query/ and the pages include the deleted rows', async () => {
    sim.deleteRecords('acme', 'Case', sim.ids('acme', 'Case').slice(0, 5));
    const { records, urls } = await queryAllPages(sim, token, 'SELECT Id, IsDeleted FROM Case', {
      all: true,
      batchSize: 500,
    });
    expect(urls.every((url) => url.startsWith('/services/data/v62.0/query/01g'))).toBe(true);
    expect(records).toHaveLength(1_234);
    expect(records.filter((record) => record.IsDeleted)).toHaveLength(5);
  });

  it('given deletes, when getDeleted covers them after the minute has passed, then ids with deletedDate and the coverage bounds come back', async () => {
    const gone = sim.ids('acme', 'Contact').slice(0, 2);
    sim.deleteRecords('acme', 'Contact', gone);
    const sameMinute = await deleted('Contact', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z');
    expect(sameMinute.json!.deletedRecords).toEqual([]);
    expect(sameMinute.json!.latestDateCovered).toBe('2026-01-02T03:04:00.000+0000');
    clock.advance(120);
    const response = await deleted('Contact', '2026-01-02T00:00:00+00:00', '2026-01-03T00:00:00+00:00');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      deletedRecords: gone.map((id) => ({ id, deletedDate: '2026-01-02T03:04:05.000+0000' })),
      earliestDateAvailable: '2025-12-18T03:06:00.000+0000',
      latestDateCovered: '2026-01-02T03:06:00.000+0000',
    });
    const next = await deleted('Contact', response.json!.latestDateCovered, '2026-01-03T00:00:00Z');
    expect(next.json!.deletedRecords).toEqual([]);
  });

  it('given jsforce’s unencoded + offset and no trailing slash, when getDeleted is called, then it is understood', async () => {
    sim.deleteRecords('acme', 'Account', sim.ids('acme', 'Account').slice(0, 1));
    clock.advance(60);
    const response = await sfGet(
      sim,
      '/services/data/v62.0/sobjects/Account/deleted?start=2026-01-01T00:00:00+00:00&end=2026-01-03T00:00:00+00:00',
      token,
    );
    expect(response.json!.deletedRecords).toHaveLength(1);
  });

  it('given 16 days later, when queryAll and getDeleted run, then the purged record is gone from both and earliestDateAvailable moved past it', async () => {
    const [gone] = sim.ids('acme', 'Case');
    sim.deleteRecords('acme', 'Case', [gone!]);
    clock.advance(16 * DAY);
    const all = await soql(sim, token, 'SELECT COUNT() FROM Case WHERE IsDeleted = true', { all: true });
    expect(all.json!.totalSize).toBe(0);
    const response = await deleted('Case', '2026-01-01T00:00:00Z', '2026-01-20T00:00:00Z');
    expect(response.json!.deletedRecords).toEqual([]);
    expect(response.json!.earliestDateAvailable > '2026-01-02T03:04:05.000+0000').toBe(true);
  });

  it('given a window of a minute or less, or no dates, when getDeleted is called, then 400 INVALID_REPLICATION_DATE', async () => {
    const short = await deleted('Case', '2026-01-02T00:00:00Z', '2026-01-02T00:01:00Z');
    expect(short.status).toBe(400);
    expect(short.json![0].errorCode).toBe('INVALID_REPLICATION_DATE');
    const missing = await sfGet(sim, '/services/data/v62.0/sobjects/Case/deleted/', token);
    expect(missing.json![0].errorCode).toBe('INVALID_REPLICATION_DATE');
  });

  it('given mutate, addRecords and setSystemModstamp, when queried, then the changes show with SystemModstamp = now', async () => {
    const changed = sim.mutate('acme', 'Case', 7);
    const added = sim.addRecords('acme', 'Case', 3);
    expect(changed).toEqual([...changed].sort());
    expect(added.every((id) => id > sim.ids('acme', 'Case').at(-4)!)).toBe(true);
    const since = await soql(
      sim,
      token,
      'SELECT Id, LastModifiedDate FROM Case WHERE SystemModstamp >= 2026-01-02T03:04:05Z ORDER BY Id',
    );
    expect(idsOf(since.json!.records)).toEqual([...changed, ...added]);
    expect(
      since.json!.records.every(
        (record: AnyRecord) => record.LastModifiedDate === '2026-01-02T03:04:05.000+0000',
      ),
    ).toBe(true);
    sim.setSystemModstamp('acme', 'Case', added, '2020-01-01T00:00:00Z');
    const after = await soql(
      sim,
      token,
      'SELECT COUNT() FROM Case WHERE SystemModstamp >= 2026-01-02T03:04:05Z',
    );
    expect(after.json!.totalSize).toBe(7);
    expect(() => sim.deleteRecords('acme', 'Case', ['500000000000000AAA'])).toThrow(/no record with Id/);
  });
});
