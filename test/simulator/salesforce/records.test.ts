import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { caseSafeSuffix } from '../../../simulator/salesforce';
import { type AnyRecord, anOrg, idsOf } from './helpers';

const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/;

describe('Salesforce simulator: generated records and Ids', () => {
  let sim: SalesforceSimulator;
  beforeAll(async () => {
    sim = await startSalesforceSimulator({
      orgs: [anOrg(), anOrg({ name: 'globex', clientId: 'globex-client' })],
    });
  });
  afterAll(() => sim.stop());

  const all = (object: Parameters<SalesforceSimulator['records']>[1], org = 'acme') =>
    [...sim.records(org, object)] as AnyRecord[];

  it('given a known 15-character Id, when its case-safe suffix is derived, then it is Salesforce’s', () => {
    expect(caseSafeSuffix('00D000000000062')).toBe('EAA');
    expect(caseSafeSuffix('001AAAAAAAAAAAA')).toBe('Y55');
  });

  it.each([
    ['Account', '001'],
    ['Contact', '003'],
    ['Case', '500'],
    ['WorkOrder', '0WO'],
    ['TimeSheetEntry', '0TS'],
  ] as const)(
    'given %s, when listed, then Ids are 18 base62 characters with prefix %s, a valid suffix, ascending by creation',
    (object, prefix) => {
      const records = all(object);
      const ids = idsOf(records);
      for (const id of ids) {
        expect(id).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{15}$`));
        expect(id.slice(15)).toBe(caseSafeSuffix(id.slice(0, 15)));
      }
      expect([...ids].sort()).toEqual(ids);
      const created = records.map((record) => record.CreatedDate as string);
      expect([...created].sort()).toEqual(created);
      expect(sim.ids('acme', object)).toEqual(ids);
    },
  );

  it('given the same seed, when records are listed twice or by another simulator, then they are identical; another org differs', async () => {
    const again = await startSalesforceSimulator({ orgs: [anOrg()] });
    try {
      expect([...again.records('acme', 'Case')]).toEqual(all('Case'));
    } finally {
      await again.stop();
    }
    expect(idsOf(all('Case', 'globex'))).not.toEqual(idsOf(all('Case')));
  });

  it('given Cases, when listed, then datetimes are in REST form, LastModifiedDate <= SystemModstamp, closed Cases have ClosedDate', () => {
    for (const record of all('Case')) {
      for (const field of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp'])
        expect(record[field]).toMatch(SF_DATETIME);
      expect(record.LastModifiedDate <= record.SystemModstamp).toBe(true);
      expect(record.CreatedDate <= record.LastModifiedDate).toBe(true);
      expect(record.IsDeleted).toBe(false);
      expect(record.IsClosed).toBe(record.Status === 'Closed');
      if (record.IsClosed) expect(record.ClosedDate).toMatch(SF_DATETIME);
      else expect(record.ClosedDate).toBeNull();
    }
  });

  it('given many records, when SystemModstamp is counted, then many records share one second (ties)', () => {
    const perSecond = new Map<string, number>();
    for (const record of all('Case'))
      perSecond.set(record.SystemModstamp, (perSecond.get(record.SystemModstamp) ?? 0) + 1);
    const shared = [...perSecond.values()].filter((count) => count > 1);
    expect(shared.length).toBeGreaterThan(10);
    expect(Math.max(...shared)).toBeGreaterThanOrEqual(10);
  });

  it('given references, when followed, then every one exists and a Case’s Account is its Contact’s Account', () => {
    const accounts = new Set(sim.ids('acme', 'Account'));
    const contacts = new Map(all('Contact').map((contact) => [contact.Id, contact]));
    const cases = new Map(all('Case').map((record) => [record.Id, record]));
    const workOrders = new Map(all('WorkOrder').map((record) => [record.Id, record]));
    for (const contact of contacts.values()) expect(accounts.has(contact.AccountId)).toBe(true);
    for (const record of cases.values()) {
      expect(record.AccountId).toBe(contacts.get(record.ContactId)?.AccountId);
    }
    for (const order of workOrders.values()) expect(order.AccountId).toBe(cases.get(order.CaseId)?.AccountId);
    for (const entry of all('TimeSheetEntry')) {
      expect(workOrders.has(entry.WorkOrderId)).toBe(true);
      expect(
        Date.parse(entry.EndTime.replace('+0000', 'Z')) - Date.parse(entry.StartTime.replace('+0000', 'Z')),
      ).toBe(entry.DurationInMinutes * 60_000);
    }
  });

  it('given records(), when a record is taken, then attributes come first with the object type and its sobjects URL', () => {
    const [first] = all('Account');
    expect(Object.keys(first!)[0]).toBe('attributes');
    expect(first!.attributes).toEqual({
      type: 'Account',
      url: `/services/data/v62.0/sobjects/Account/${first!.Id}`,
    });
    expect(
      all('Account')
        .slice(0, 3)
        .map((account) => account.Name),
    ).toEqual(['Þekking', 'Zürich Dental GmbH', '東京オフィス']);
  });
});
