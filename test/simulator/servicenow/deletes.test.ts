import {
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
} from '../../../simulator';
import { type AnyRecord, aClock, anInstance, snGet, sysIdsOf, tableGet } from './helpers';

const AUDIT = 'sys_audit_delete';
const T0 = '2026-02-03 04:05:06';
const AUDIT_COLUMNS = [
  'tablename',
  'documentkey',
  'display_value',
  'payload',
  'sys_created_by',
  'sys_created_on',
  'sys_id',
  'sys_mod_count',
  'sys_tags',
  'sys_updated_by',
  'sys_updated_on',
];

describe('ServiceNow simulator: deletes and sys_audit_delete', () => {
  let clock: ReturnType<typeof aClock>;
  let sim: ServiceNowSimulator;
  beforeEach(async () => {
    clock = aClock('2026-02-03T04:05:06.789Z');
    sim = await startServiceNowSimulator({ instances: [anInstance()], now: clock.now });
  });
  afterEach(() => sim.stop());

  const byId = (table: ServiceNowTableName) =>
    new Map(([...sim.records('acme', table)] as AnyRecord[]).map((record) => [record.sys_id, record]));
  const audit = (query: Record<string, string | number> = {}) =>
    tableGet(sim, AUDIT, query, { version: 'v2' });
  const count = async (table: string, query = '') =>
    (
      await snGet(
        sim,
        `/api/now/v2/stats/${table}?sysparm_count=true${query ? `&sysparm_query=${encodeURIComponent(query)}` : ''}`,
      )
    ).json!.result.stats.count as string;
  /** Every page of a keyset walk over sys_audit_delete (sys_id>last^ORDERBYsys_id), `limit` rows a page. */
  const walk = async (condition: string, limit: number) => {
    const rows: AnyRecord[] = [];
    let pages = 0;
    for (let last = ''; ; pages++) {
      const keyset = last === '' ? '' : `^sys_id>${last}`;
      const page = await audit({
        sysparm_query: `${condition}${keyset}^ORDERBYsys_id`,
        sysparm_limit: limit,
        sysparm_fields: 'sys_id,documentkey,sys_created_on',
      });
      const result = page.json!.result as AnyRecord[];
      if (result.length === 0) return { rows, pages };
      rows.push(...result);
      last = result[result.length - 1]!.sys_id as string;
    }
  };

  it('given deleted incidents, when listed, counted, looked up or paged, then they are gone everywhere', async () => {
    const gone = sim.ids('acme', 'incident').filter((_, i) => i % 10 === 3);
    const kept = sim.ids('acme', 'incident').filter((sysId) => !gone.includes(sysId));

    sim.deleteRecords('acme', 'incident', gone);

    expect(gone).toHaveLength(25);
    expect(sim.ids('acme', 'incident')).toEqual(kept);
    expect(sysIdsOf([...sim.records('acme', 'incident')])).toEqual(kept);
    const unordered = await tableGet(sim, 'incident', { sysparm_fields: 'sys_id' });
    expect(unordered.headers.get('x-total-count')).toBe('225');
    expect(sysIdsOf(unordered.json!.result).sort()).toEqual(kept);
    const byUpdate = await tableGet(sim, 'incident', {
      sysparm_query: 'ORDERBYsys_updated_on',
      sysparm_fields: 'sys_id',
    });
    expect(sysIdsOf(byUpdate.json!.result).sort()).toEqual(kept);
    const keyset = await tableGet(sim, 'incident', {
      sysparm_query: `sys_id>${gone[0]}^ORDERBYsys_id`,
      sysparm_fields: 'sys_id',
    });
    expect(sysIdsOf(keyset.json!.result)).toEqual(kept.filter((sysId) => sysId > gone[0]!));
    const filtered = await tableGet(sim, 'incident', {
      sysparm_query: 'numberSTARTSWITHINC',
      sysparm_no_count: 'true',
    });
    expect(filtered.json!.result).toHaveLength(225);
    expect(await count('incident')).toBe('225');
    expect(await count('incident', 'active=true^ORactive=false')).toBe('225');
    expect((await snGet(sim, `/api/now/table/incident/${gone[0]}`)).status).toBe(404);
  });

  it('given a delete, when sys_audit_delete is read, then one row per record carries its table, sys_id and the deletion time', async () => {
    const [first, second] = sim.ids('acme', 'incident');
    const numbers = [first, second].map((sysId) => byId('incident').get(sysId)!.number as string);

    sim.deleteRecords('acme', 'incident', [first!, second!]);
    const response = await audit();

    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe('2');
    const rows = response.json!.result as AnyRecord[];
    expect(rows.map((row) => Object.keys(row))).toEqual([AUDIT_COLUMNS, AUDIT_COLUMNS]);
    expect(rows.map((row) => row.documentkey)).toEqual([first, second]);
    rows.forEach((row, i) => {
      expect(row).toEqual({
        tablename: 'incident',
        documentkey: [first, second][i],
        display_value: numbers[i],
        payload: expect.stringContaining(`<sys_id>${[first, second][i]}</sys_id>`),
        sys_created_by: 'admin',
        sys_created_on: T0,
        sys_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        sys_mod_count: '0',
        sys_tags: '',
        sys_updated_by: 'admin',
        sys_updated_on: T0,
      });
      expect(row.payload).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><incident><number>INC\d+<\/number>/,
      );
    });
    expect(new Set(rows.map((row) => row.sys_id)).size).toBe(2);
    const one = await snGet(sim, `/api/now/v2/table/${AUDIT}/${rows[0]!.sys_id}`);
    expect(one.json!.result).toEqual(rows[0]);
  });

  it('given deletes in several tables and seconds, when filtered by tablename and a sys_created_on window, then only that window of that table', async () => {
    const incidents = sim.ids('acme', 'incident');
    sim.deleteRecords('acme', 'incident', incidents.slice(0, 3));
    clock.advance(60);
    sim.deleteRecords(
      'acme',
      'sn_customerservice_case',
      sim.ids('acme', 'sn_customerservice_case').slice(0, 2),
    );
    clock.advance(60);
    sim.deleteRecords('acme', 'incident', incidents.slice(3, 7));
    clock.advance(60);
    sim.deleteRecords('acme', 'incident', incidents.slice(7, 8));

    const window = await audit({
      sysparm_query:
        'tablename=incident^sys_created_on>2026-02-03 04:05:06^sys_created_on<=2026-02-03 04:07:06^ORDERBYsys_created_on',
      sysparm_fields: 'documentkey,sys_created_on',
    });

    expect(window.json!.result).toEqual(
      incidents.slice(3, 7).map((documentkey) => ({ documentkey, sys_created_on: '2026-02-03 04:07:06' })),
    );
    const both = await audit({
      sysparm_query: 'tablenameINincident,sn_customerservice_case^ORDERBYDESCsys_created_on',
      sysparm_fields: 'tablename,sys_created_on',
    });
    const times = (both.json!.result as AnyRecord[]).map((row) => row.sys_created_on as string);
    expect(times).toHaveLength(10);
    expect(times).toEqual([...times].sort().reverse());
    expect(await count(AUDIT)).toBe('10');
    expect(await count(AUDIT, 'tablename=incident')).toBe('8');
    expect(await count(AUDIT, 'tablename=incident^sys_created_on>=2026-02-03 04:07:06')).toBe('5');
    const empty = await audit({ sysparm_query: 'tablename=customer_account' });
    expect([empty.status, empty.json!.result]).toEqual([200, []]);
  });

  it('given many deletions in one second, when paged by sys_id keyset, then every row comes once and pages follow sysparm_limit', async () => {
    const gone = sim.ids('acme', 'task_time_worked').slice(0, 45);
    sim.deleteRecords('acme', 'task_time_worked', gone.slice(0, 30));
    clock.advance(1);
    sim.deleteRecords('acme', 'task_time_worked', gone.slice(30));

    const { rows, pages } = await walk('tablename=task_time_worked', 10);

    expect(pages).toBe(5);
    expect(rows.map((row) => row.documentkey).sort()).toEqual(gone);
    expect(sysIdsOf(rows)).toEqual([...sysIdsOf(rows)].sort());
    expect(new Set(sysIdsOf(rows)).size).toBe(45);
    const first = await audit({ sysparm_query: 'ORDERBYsys_id', sysparm_limit: 10 });
    expect(first.headers.get('link')).toContain('rel="next"');
    const later = await walk('sys_created_on>2026-02-03 04:05:06', 7);
    expect(later.rows.map((row) => row.documentkey).sort()).toEqual(gone.slice(30).sort());
    const ordered = await audit({ sysparm_query: 'ORDERBYsys_created_on^ORDERBYsys_id' });
    const keys = (ordered.json!.result as AnyRecord[]).map((row) => `${row.sys_created_on} ${row.sys_id}`);
    expect(keys).toEqual([...keys].sort());
    // The tie-safe keyset after the 20th row: later seconds, or the same second and a greater sys_id.
    const [at, after] = keys[19]!.split(/ (?=[0-9a-f]{32}$)/) as [string, string];
    const rest = await audit({
      sysparm_query: `sys_created_on>${at}^NQsys_created_on=${at}^sys_id>${after}^ORDERBYsys_created_on^ORDERBYsys_id`,
    });
    expect((rest.json!.result as AnyRecord[]).map((row) => `${row.sys_created_on} ${row.sys_id}`)).toEqual(
      keys.slice(20),
    );
  });

  it('given a deleted record, when restored, then it is back with its sys_id and values and a later sys_updated_on; the audit row stays', async () => {
    const [target] = sim.ids('acme', 'incident');
    const before = byId('incident').get(target)!;
    sim.deleteRecords('acme', 'incident', [target!]);
    clock.advance(3600);

    sim.restoreRecords('acme', 'incident', [target!]);

    const after = byId('incident').get(target)!;
    expect(after).toEqual({ ...before, sys_updated_on: '2026-02-03 05:05:06' });
    expect(after.sys_updated_on > before.sys_updated_on).toBe(true);
    expect(sim.ids('acme', 'incident')).toHaveLength(250);
    const changed = await tableGet(sim, 'incident', {
      sysparm_query: 'sys_updated_on>=2026-02-03 05:05:06^ORDERBYsys_id',
      sysparm_fields: 'sys_id',
    });
    expect(sysIdsOf(changed.json!.result)).toEqual([target]);
    expect((await snGet(sim, `/api/now/table/incident/${target}`)).json!.result.number).toBe(before.number);
    expect(await count(AUDIT, `documentkey=${target}`)).toBe('1');
    expect(() => sim.restoreRecords('acme', 'incident', [target!])).toThrow(/no deleted record/);
  });

  it('given a delete with audit: false, when sys_audit_delete is read, then the records are gone and no row was written', async () => {
    const gone = sim.ids('acme', 'customer_contact').slice(0, 4);

    sim.deleteRecords('acme', 'customer_contact', gone, { audit: false });

    expect(sim.ids('acme', 'customer_contact').some((sysId) => gone.includes(sysId))).toBe(false);
    expect(await count('customer_contact')).toBe('36');
    expect(await count(AUDIT)).toBe('0');
    expect((await audit()).json!.result).toEqual([]);
    expect((await tableGet(sim, AUDIT, {}, { version: 'v1' })).status).toBe(404);
  });

  it('given an unknown sys_id among those to delete, when deleted, then it throws and nothing changes', async () => {
    const ids = sim.ids('acme', 'incident').slice(0, 2);

    expect(() => sim.deleteRecords('acme', 'incident', [...ids, 'f'.repeat(32)])).toThrow(
      /no record with sys_id/,
    );

    expect(sim.ids('acme', 'incident')).toHaveLength(250);
    expect(await count(AUDIT)).toBe('0');
  });

  it('given deletions, when records are then mutated, added and deleted again, then deleted ones are never touched and counts agree', async () => {
    const gone = sim.ids('acme', 'incident').slice(100, 200);
    sim.deleteRecords('acme', 'incident', gone);

    const changed = sim.mutate('acme', 'incident', 150);
    const added = sim.addRecords('acme', 'incident', 3);
    sim.deleteRecords('acme', 'incident', [added[0]!]);

    expect(changed.some((sysId) => gone.includes(sysId))).toBe(false);
    expect(new Set(changed).size).toBe(150);
    expect(sim.ids('acme', 'incident')).toHaveLength(152);
    expect(await count('incident')).toBe('152');
    expect(await count('incident', 'sys_updated_on>=2026-02-03 04:05:06')).toBe('152');
    expect(await count(AUDIT, 'tablename=incident')).toBe('101');
  });

  it('given the same seed and calls on two simulators, when deleted, then the audit rows are the same', async () => {
    const twin = await startServiceNowSimulator({ instances: [anInstance()], now: clock.now });
    try {
      const gone = sim.ids('acme', 'sys_user').slice(0, 3);
      sim.deleteRecords('acme', 'sys_user', gone);
      twin.deleteRecords('acme', 'sys_user', gone);
      const read = async (target: ServiceNowSimulator) =>
        (await tableGet(target, AUDIT, { sysparm_query: 'ORDERBYsys_id' })).json!.result;
      expect(await read(twin)).toEqual(await read(sim));
    } finally {
      await twin.stop();
    }
  });
});

describe('ServiceNow simulator: an integration user who may not read sys_audit_delete', () => {
  let sim: ServiceNowSimulator;
  beforeEach(async () => {
    sim = await startServiceNowSimulator({ instances: [anInstance({ auditReadable: false })] });
  });
  afterEach(() => sim.stop());

  it('given auditReadable false, when sys_audit_delete is listed, fetched or counted, then 403 with the error envelope; other tables still answer', async () => {
    sim.deleteRecords('acme', 'incident', sim.ids('acme', 'incident').slice(0, 1));

    for (const path of [
      `/api/now/v2/table/${AUDIT}?sysparm_query=tablename=incident`,
      `/api/now/table/${AUDIT}/${'a'.repeat(32)}`,
      `/api/now/v2/stats/${AUDIT}?sysparm_count=true`,
    ]) {
      const response = await snGet(sim, path);
      expect(response.status).toBe(403);
      expect(response.json).toEqual({
        error: { message: 'User Not Authorized', detail: expect.stringContaining(AUDIT) },
        status: 'failure',
      });
    }
    const incidents = await snGet(sim, '/api/now/v2/stats/incident?sysparm_count=true');
    expect(incidents.json!.result.stats.count).toBe('249');
  });
});
