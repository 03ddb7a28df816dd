/**
 * The only npm ConnectWise client, connectwise-rest 1.3.0, against the simulator (reference source-apis.md §1.13).
 * It hard-codes https://, so every axios instance it owns is re-pointed at the simulator's http base URL.
 */
import { startSimulator, type Simulator } from '../../simulator';
import { type AnyRecord, aTenant, idsOf, lastUpdatedMs } from './helpers';

const { ManageAPI } = require('connectwise-rest');

/**
 * `paginate` calls the API method with `this` = the ManageAPI itself, so its own instance must be patched as well as
 * those of the sub-APIs (ServiceAPI, CompanyAPI, …).
 */
function pointAt(cwm: AnyRecord, baseUrl: string): number {
  let patched = 0;
  for (const target of [cwm, ...Object.values(cwm)]) {
    if (target && typeof target === 'object' && (target as AnyRecord).instance?.defaults) {
      (target as AnyRecord).instance.defaults.baseURL = baseUrl;
      patched++;
    }
  }
  return patched;
}

describe('connectwise-rest 1.3.0 against the simulator', () => {
  const tenant = aTenant({ sizes: { companies: 40, contacts: 60, tickets: 2_345, time_entries: 10 } });
  let sim: Simulator;
  let cwm: AnyRecord;
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [tenant] });
    cwm = new ManageAPI({
      companyId: tenant.companyId,
      companyUrl: '127.0.0.1',
      publicKey: tenant.publicKey,
      privateKey: tenant.privateKey,
      clientId: tenant.clientId,
    });
    expect(pointAt(cwm, sim.baseUrl)).toBe(13);
  });
  afterAll(() => sim.stop());

  const since = '2024-01-01T00:00:00Z';
  const expected = () =>
    (sim.records('acme', 'tickets') as readonly AnyRecord[]).filter(
      (t) => lastUpdatedMs(t) > Date.parse(since),
    );

  it('given getServiceTickets with conditions and pageSize 2, when called, then it returns the first two matching tickets', async () => {
    const tickets = await cwm.ServiceAPI.getServiceTickets({
      conditions: `lastUpdated > [${since}]`,
      pageSize: 2,
    });
    expect(tickets).toEqual(expected().slice(0, 2));
  });

  it('given paginate over getServiceTickets, when it runs to the end, then it returns exactly all matching tickets', async () => {
    sim.resetRequests();
    const tickets = await cwm.paginate(
      cwm.ServiceAPI.getServiceTickets,
      { startPage: 1, pageSize: 1000 },
      { conditions: `lastUpdated > [${since}]` },
    );
    const ids = idsOf(expected());
    expect(idsOf(tickets)).toEqual(ids);
    expect(ids.length).toBeGreaterThan(1000);
    const pages = sim.requests('acme').map((request) => request.query.page);
    expect(pages).toEqual(['1', '2']);
  });

  it('given getCompanyCompanies, when called with orderBy and fields, then it returns the companies', async () => {
    const companies = await cwm.CompanyAPI.getCompanyCompanies({
      orderBy: 'id desc',
      fields: 'id,name',
      pageSize: 100,
    });
    const truth = sim.records('acme', 'companies') as readonly AnyRecord[];
    expect(companies).toEqual([...truth].reverse().map((c) => ({ id: c.id, name: c.name })));
  });

  it('given wrong keys, when the client calls, then it rejects with status 401 and the error body', async () => {
    const bad = new ManageAPI({
      companyId: tenant.companyId,
      companyUrl: '127.0.0.1',
      publicKey: tenant.publicKey,
      privateKey: 'wrong',
      clientId: tenant.clientId,
      logger: () => undefined,
    });
    pointAt(bad, sim.baseUrl);
    await expect(bad.ServiceAPI.getServiceTicketsCount({})).rejects.toMatchObject({
      status: 401,
      data: { code: 'Unauthorized' },
    });
  });
});
