import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulator';
import { anOrg, login, soql, type AnyRecord } from './helpers';

describe('Salesforce simulator: 100,000 Cases', () => {
  let sim: SalesforceSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSalesforceSimulator({
      orgs: [anOrg({ sizes: { Account: 500, Contact: 2_000, Case: 100_000 } })],
    });
    token = await login(sim);
  });
  afterAll(() => sim.stop());

  it('given 100k Cases, when the ground truth is read, then it is a lazy array of 100k records in Id order', () => {
    const records = sim.records('acme', 'Case');
    expect(records).toHaveLength(100_000);
    expect((records[99_999] as AnyRecord).CaseNumber).toBe('00100000');
    expect((records[0] as AnyRecord).Id < (records[99_999] as AnyRecord).Id).toBe(true);
  });

  it('given 100k Cases, when keyset pages by Id and a SystemModstamp window are queried, then they agree with the ground truth', async () => {
    const ids = sim.ids('acme', 'Case');
    const after = ids[49_999]!;
    const page = await soql(sim, token, `SELECT Id FROM Case WHERE Id > '${after}' ORDER BY Id LIMIT 2000`);
    expect(page.json!.records.map((record: AnyRecord) => record.Id)).toEqual(ids.slice(50_000, 52_000));
    const count = await soql(
      sim,
      token,
      'SELECT COUNT() FROM Case WHERE SystemModstamp >= 2025-01-01T00:00:00Z',
    );
    const expected = [...sim.records('acme', 'Case')].filter(
      (record) => (record as AnyRecord).SystemModstamp >= '2025-01-01T00:00:00.000+0000',
    ).length;
    expect(count.json).toEqual({ totalSize: expected, done: true, records: [] });
  });
});
