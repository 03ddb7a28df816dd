import type { CanonicalTableName } from '../../mappings/canonical';
import { planChunks } from '../../services/chunk-planner/planChunks';
import { InProcessRequestBudget } from '../../shared/budget/inProcessRequestBudget';
import type { SyncWindow } from '../../shared/events/schemas';
import type { SourceReader } from '../../shared/sources/connector';
import {
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
  type SimulatedInstance,
} from '../../simulator';
import { serviceNow } from '../../sources/servicenow';
import { clearServiceNowTokens } from '../../sources/servicenow/oauthToken';
import type { ServiceNowCredentials, ServiceNowSettings } from '../../sources/servicenow/settings';

const NOW = '2026-03-02T08:00:00Z';
const INSTANCE: SimulatedInstance = {
  name: 'acme',
  username: 'acme.integration',
  password: 'acme-secret',
  clientId: 'acme-client',
  clientSecret: 'acme-client-secret',
  sizes: {
    customer_account: 40,
    customer_contact: 150,
    incident: 2_345,
    task_time_worked: 1_200,
    sn_customerservice_case: 300,
  },
};

/** A record as the connector asks for it: references as bare sys_ids (sysparm_exclude_reference_link=true). */
function withoutReferenceLinks(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([field, value]) => [
      field,
      value !== null && typeof value === 'object' && 'value' in value
        ? (value as { value: unknown }).value
        : value,
    ]),
  );
}

describe('ServiceNow connector against the ServiceNow simulator', () => {
  let sim: ServiceNowSimulator;
  let settings: ServiceNowSettings;
  const reader = (credentials: ServiceNowCredentials): SourceReader =>
    serviceNow.connect({
      tenantId: 'acme',
      settings,
      credentials,
      budget: new InProcessRequestBudget(),
      sleep: async () => undefined,
    });

  /** Surveys the window, plans chunks of ~1,000 like the planner, and pages every chunk to its end. */
  async function syncTable(source: SourceReader, table: CanonicalTableName, window: SyncWindow) {
    const survey = await source.survey(table, window);
    const chunks = survey.bounds
      ? planChunks({
          count: survey.count,
          bounds: survey.bounds,
          keyKind: serviceNow.keyKind,
          targetRecords: 1000,
        })
      : [];
    const records: Array<{ id: string; lastUpdated: Date | null; json: Record<string, unknown> }> = [];
    for (const range of chunks) {
      let cursor: string | null = null;
      do {
        const page = await source.fetchPage({ table, window, range, cursor });
        records.push(
          ...page.records.map((record) => ({
            id: record.id,
            lastUpdated: record.lastUpdated,
            json: JSON.parse(new TextDecoder().decode(record.json)) as Record<string, unknown>,
          })),
        );
        cursor = page.next;
      } while (cursor !== null);
    }
    return { survey, chunks, records };
  }

  beforeAll(async () => {
    sim = await startServiceNowSimulator({ instances: [INSTANCE], now: () => new Date(NOW) });
    settings = serviceNow.settingsSchema.parse({ instanceUrl: sim.instanceUrl }) as ServiceNowSettings;
  });
  afterAll(() => sim.stop());
  beforeEach(() => clearServiceNowTokens());

  it.each<[CanonicalTableName, ServiceNowTableName]>([
    ['companies', 'customer_account'],
    ['contacts', 'customer_contact'],
    ['tickets', 'incident'],
    ['time_entries', 'task_time_worked'],
  ])(
    'given a first full sync of %s, when every chunk is paged, then the records are exactly the simulator’s %s and each maps onto the canonical model',
    async (table, sourceTable) => {
      // Act
      const { survey, records } = await syncTable(reader(INSTANCE), table, { from: null, to: NOW });

      // Assess
      const truth = sim.records('acme', sourceTable).map(withoutReferenceLinks);
      expect(survey.count).toBe(truth.length);
      expect(records.map((record) => record.id)).toEqual(sim.ids('acme', sourceTable));
      expect(records.map((record) => record.json)).toEqual(truth);
      expect(records.every((record) => record.lastUpdated instanceof Date)).toBe(true);
      const mapping = serviceNow.mapping(settings, table);
      const rejected = records.map((record) => mapping.map(record.json)).filter((result) => !result.ok);
      expect(rejected).toEqual([]);
    },
  );

  it('given OAuth client credentials and a tableMap reading tickets from CSM cases, when synced, then every case is fetched with one token', async () => {
    const cases = { ...settings, tableMap: { tickets: 'sn_customerservice_case' } };
    const source = serviceNow.connect({
      tenantId: 'acme',
      settings: cases,
      credentials: { clientId: INSTANCE.clientId!, clientSecret: INSTANCE.clientSecret! },
      budget: new InProcessRequestBudget(),
      sleep: async () => undefined,
    });
    sim.resetRequests();

    const { records } = await syncTable(source, 'tickets', { from: null, to: NOW });

    expect(records.map((record) => record.id)).toEqual(sim.ids('acme', 'sn_customerservice_case'));
    expect(sim.requests('acme').filter((request) => request.path === '/oauth_token.do')).toHaveLength(1);
    const mapping = serviceNow.mapping(cases, 'tickets');
    expect(records.filter((record) => !mapping.map(record.json).ok)).toEqual([]);
  });

  it('given 1,500 incidents updated in one second, when an incremental window is paged, then all of them and nothing older are fetched', async () => {
    // Prepare
    const tied = sim
      .ids('acme', 'incident')
      .filter((_, index) => index % 3 !== 0)
      .slice(0, 1500);
    sim.setUpdatedOn('acme', 'incident', tied, '2026-03-02 07:30:00');

    // Act
    const { records, chunks } = await syncTable(reader(INSTANCE), 'tickets', {
      from: '2026-03-02T07:29:59Z',
      to: NOW,
    });

    // Assess
    const expected = sim
      .records('acme', 'incident')
      .filter((record) => (record.sys_updated_on as string) > '2026-03-02 07:29:59')
      .map((record) => record.sys_id);
    expect(expected.length).toBeGreaterThanOrEqual(1500);
    expect(chunks.length).toBeGreaterThan(1);
    expect(records.map((record) => record.id)).toEqual(expected);
    expect(new Set(records.map((record) => record.id)).size).toBe(records.length);
  });
});
