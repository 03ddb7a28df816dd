import {
  SERVICENOW_TABLES,
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
} from '../../../simulator';
import { SCHEMAS } from '../../../simulator/servicenow/tables';
import { type AnyRecord, anInstance, snGet, sysIdsOf, tableGet } from './helpers';

const SYS_ID = /^[0-9a-f]{32}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const sizes = {
  customer_account: 30,
  customer_contact: 120,
  incident: 4_000,
  task_time_worked: 1_500,
  sn_customerservice_case: 200,
  sys_user_group: 8,
  sys_user: 40,
};

describe('ServiceNow simulator: generated records', () => {
  let sim: ServiceNowSimulator;
  beforeAll(async () => {
    sim = await startServiceNowSimulator({
      instances: [
        anInstance({ sizes }),
        anInstance({ name: 'other', username: 'other.integration', clientId: 'c2', sizes }),
      ],
    });
  });
  afterAll(() => sim.stop());

  const truth = new Map<ServiceNowTableName, AnyRecord[]>();
  /** The ground truth, materialised once per table (records() is a lazy view that builds records on access). */
  const all = (table: ServiceNowTableName): readonly AnyRecord[] => {
    if (!truth.has(table)) truth.set(table, [...sim.records('acme', table)] as AnyRecord[]);
    return truth.get(table)!;
  };
  const byId = (table: ServiceNowTableName) => new Map(all(table).map((record) => [record.sys_id, record]));

  it('given an instance, when its tables are read, then each has its configured size, sorted by unique 32-hex sys_ids', () => {
    for (const table of SERVICENOW_TABLES) {
      const ids = sysIdsOf(all(table));
      expect(ids).toHaveLength(sizes[table]);
      expect(ids.every((id) => SYS_ID.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort());
      expect(sim.ids('acme', table)).toEqual(ids);
    }
  });

  it('given 4,000 incidents, when sys_ids are bucketed by their first hex digit, then the buckets are even', () => {
    const buckets = new Array<number>(16).fill(0);
    for (const id of sim.ids('acme', 'incident')) buckets[parseInt(id[0] as string, 16)]!++;
    // 250 expected per bucket; ±100 is more than six standard deviations.
    expect(Math.min(...buckets)).toBeGreaterThan(150);
    expect(Math.max(...buckets)).toBeLessThan(350);
  });

  it('given any record, when its values are read, then every scalar is a string and every reference {link, value} or ""', () => {
    for (const table of SERVICENOW_TABLES) {
      const schema = SCHEMAS[table];
      for (const record of all(table).slice(0, 300)) {
        expect(Object.keys(record)).toEqual(schema.fieldNames);
        for (const [field, value] of Object.entries(record)) {
          const spec = schema.fields.get(field)!;
          if (spec.kind === 'reference' && value !== '') {
            expect(value).toEqual({
              link: `${sim.instanceUrl}/api/now/table/${spec.table}/${value.value}`,
              value: value.value,
            });
          } else {
            expect(typeof value).toBe('string');
          }
        }
        expect(record.sys_class_name).toBe(table);
      }
    }
  });

  it('given every reference of every table, when followed, then it points at an existing record of its table', () => {
    const existing = new Map(SERVICENOW_TABLES.map((table) => [table, new Set(sim.ids('acme', table))]));
    let references = 0;
    for (const table of SERVICENOW_TABLES) {
      const schema = SCHEMAS[table];
      for (const record of all(table)) {
        for (const [field, spec] of schema.fields) {
          if (spec.kind !== 'reference' || record[field] === '') continue;
          expect(existing.get(spec.table!)!.has(record[field].value)).toBe(true);
          references++;
        }
      }
    }
    expect(references).toBeGreaterThan(20_000);
  });

  it('given a reference link, when requested, then it answers the referenced record', async () => {
    const incident = all('incident').find((record) => record.caller_id !== '')!;
    const response = await snGet(sim, incident.caller_id.link);
    expect(response.status).toBe(200);
    expect(response.json!.result).toEqual(byId('customer_contact').get(incident.caller_id.value));
  });

  it('given timestamps, when read, then they are whole UTC seconds in 2023–2025 and sys_updated_on >= sys_created_on', () => {
    for (const table of SERVICENOW_TABLES) {
      for (const record of all(table)) {
        expect(record.sys_created_on).toMatch(DATE_TIME);
        expect(record.sys_updated_on).toMatch(DATE_TIME);
        expect(record.sys_created_on >= '2023-01-01 00:00:00').toBe(true);
        expect(record.sys_updated_on <= '2025-12-31 23:59:59').toBe(true);
        expect(record.sys_updated_on >= record.sys_created_on).toBe(true);
        if (record.sys_updated_on === record.sys_created_on) expect(record.sys_mod_count).toBe('0');
        else expect(Number(record.sys_mod_count)).toBeGreaterThan(0);
      }
    }
  });

  it('given sys_updated_on, when grouped by second, then ties are common and some seconds hold several records', () => {
    const perSecond = new Map<string, number>();
    for (const record of all('incident'))
      perSecond.set(record.sys_updated_on, (perSecond.get(record.sys_updated_on) ?? 0) + 1);
    const tied = [...perSecond.values()].filter((count) => count > 1).reduce((sum, count) => sum + count, 0);
    expect(tied / sizes.incident).toBeGreaterThan(0.2);
    expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(4);
  });

  it('given incidents, when their state fields are read, then numbers, priorities and lifecycle timestamps agree with the state', () => {
    const incidents = all('incident');
    expect(incidents.map((record) => record.number).sort()[0]).toBe('INC0010001');
    expect(new Set(incidents.map((record) => record.number)).size).toBe(incidents.length);
    const states = new Set<string>();
    for (const record of incidents) {
      states.add(record.state);
      expect(record.number).toMatch(/^INC\d{7}$/);
      expect(record.incident_state).toBe(record.state);
      expect(Number(record.priority)).toBe(Number(record.impact) + Number(record.urgency) - 1);
      expect(record.opened_at <= record.sys_created_on).toBe(true);
      const closed = record.state === '7' || record.state === '8';
      expect(record.active).toBe(closed ? 'false' : 'true');
      expect(record.resolved_at !== '').toBe(record.state === '6' || record.state === '7');
      expect(record.closed_at !== '').toBe(closed);
      expect(record.hold_reason !== '').toBe(record.state === '3');
      if (record.resolved_at)
        expect(record.resolved_at <= record.sys_updated_on && record.resolved_at >= record.opened_at).toBe(
          true,
        );
      if (record.closed_at) {
        expect(record.closed_at <= record.sys_updated_on).toBe(true);
        expect(record.calendar_duration).toMatch(/^1970-01-\d{2} \d{2}:\d{2}:\d{2}$/);
      }
      if (record.state === '7') expect(record.closed_at >= record.resolved_at).toBe(true);
    }
    expect([...states].sort()).toEqual(['1', '2', '3', '6', '7', '8']);
  });

  it('given contacts, cases and time worked, when read, then their numbers, accounts and durations are consistent', () => {
    const accounts = byId('customer_account');
    for (const contact of all('customer_contact')) {
      expect(contact.company).toEqual(contact.account);
      expect(contact.name).toBe(`${contact.first_name} ${contact.last_name}`);
    }
    expect(new Set(all('customer_contact').map((contact) => contact.user_name)).size).toBe(
      sizes.customer_contact,
    );
    for (const account of accounts.values()) expect(account.number).toMatch(/^ACC\d{7}$/);
    for (const record of all('sn_customerservice_case')) expect(record.number).toMatch(/^CS\d{7}$/);
    const incidents = byId('incident');
    for (const entry of all('task_time_worked')) {
      expect(incidents.has(entry.task.value)).toBe(true);
      expect(entry.time_worked).toMatch(/^1970-01-01 \d{2}:(00|15|30|45):00$/);
    }
    expect(all('customer_account').map((account) => account.name)).toContain('Þekking');
  });

  it('given the same seed, when generated twice, then records are identical; another instance name gives other records', async () => {
    const again = await startServiceNowSimulator({ instances: [anInstance({ sizes })] });
    try {
      const strip = (records: readonly AnyRecord[]) =>
        JSON.stringify(records).replaceAll(sim.instanceUrl, '').replaceAll(again.instanceUrl, '');
      expect(strip(again.records('acme', 'incident'))).toBe(strip(sim.records('acme', 'incident')));
    } finally {
      await again.stop();
    }
    expect(sim.ids('other', 'incident')).not.toEqual(sim.ids('acme', 'incident'));
  });

  it('given sysparm_display_value=true, when listed, then choices show labels and references {display_value, link}', async () => {
    const response = await tableGet(sim, 'incident', {
      sysparm_display_value: 'true',
      sysparm_fields: 'number,state,priority,caller_id,calendar_duration',
      sysparm_query: 'state=7^ORDERBYnumber',
      sysparm_limit: 1,
    });
    const [shown] = response.json!.result as AnyRecord[];
    const truth = all('incident').find((record) => record.number === shown!.number)!;
    const caller = byId('customer_contact').get(truth.caller_id.value)!;
    expect(shown).toEqual({
      number: truth.number,
      state: 'Closed',
      priority: expect.stringMatching(/^\d - (Critical|High|Moderate|Low|Planning)$/),
      caller_id: { display_value: caller.name, link: truth.caller_id.link },
      calendar_duration: expect.stringMatching(/^(\d+ (Day|Hour|Minute|Second)s? ?)+$/),
    });
  });

  it('given sysparm_display_value=all with excluded links, when listed, then every value is {display_value, value}', async () => {
    const response = await tableGet(sim, 'task_time_worked', {
      sysparm_display_value: 'all',
      sysparm_exclude_reference_link: 'true',
      sysparm_fields: 'task,time_worked,sys_id',
      sysparm_limit: 1,
      sysparm_query: 'ORDERBYsys_id',
    });
    const [shown] = response.json!.result as AnyRecord[];
    const truth = all('task_time_worked')[0]!;
    const minutes = (Date.parse(`${truth.time_worked.replace(' ', 'T')}Z`) / 60_000) % 60;
    expect(shown).toEqual({
      task: { display_value: byId('incident').get(truth.task.value)!.number, value: truth.task.value },
      time_worked: {
        display_value: expect.stringContaining(minutes ? `${minutes} Minutes` : 'Hour'),
        value: truth.time_worked,
      },
      sys_id: { display_value: truth.sys_id, value: truth.sys_id },
    });
  });

  it('given sysparm_exclude_reference_link and sysparm_fields with unknown names, when listed, then references are bare sys_ids and unknown fields are ignored', async () => {
    const response = await tableGet(sim, 'customer_contact', {
      sysparm_exclude_reference_link: 'true',
      sysparm_fields: 'sys_id,account,u_nope,account.name,name',
      sysparm_query: 'ORDERBYsys_id',
      sysparm_limit: 3,
    });
    expect(response.json!.result).toEqual(
      all('customer_contact')
        .slice(0, 3)
        .map((record) => ({ sys_id: record.sys_id, account: record.account.value, name: record.name })),
    );
  });

  it('given one sys_id, when GET …/table/{t}/{sys_id}, then the record comes back in {"result":{…}}; an unknown one answers 404', async () => {
    const record = all('incident')[17]!;
    const found = await snGet(sim, `/api/now/table/incident/${record.sys_id}`);
    expect(found.status).toBe(200);
    expect(found.json).toEqual({ result: record });
    const v2 = await snGet(sim, `/api/now/v2/table/incident/${record.sys_id}?sysparm_fields=number`);
    expect(v2.json).toEqual({ result: { number: record.number } });
    const missing = await snGet(sim, `/api/now/table/incident/${'0'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({
      error: {
        message: 'No Record found',
        detail: "Record doesn't exist or ACL restricts the record retrieval",
      },
      status: 'failure',
    });
  });

  it('given sizes without users, groups or contacts, when incidents are generated, then defaults exist and missing references are ""', async () => {
    const lone = await startServiceNowSimulator({ instances: [anInstance({ sizes: { incident: 50 } })] });
    try {
      expect(lone.ids('acme', 'sys_user')).toHaveLength(25);
      expect(lone.ids('acme', 'sys_user_group')).toHaveLength(6);
      const incidents = lone.records('acme', 'incident') as readonly AnyRecord[];
      expect(incidents.every((record) => record.caller_id === '' && record.company === '')).toBe(true);
      expect(incidents.some((record) => record.assignment_group !== '')).toBe(true);
    } finally {
      await lone.stop();
    }
  });
});
