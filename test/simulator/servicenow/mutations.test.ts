import {
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
} from '../../../simulator';
import { type AnyRecord, aClock, anInstance, snGet, sysIdsOf, tableGet } from './helpers';

describe('ServiceNow simulator: mutations', () => {
  const NOW = '2026-02-03 04:05:06';
  let clock: ReturnType<typeof aClock>;
  let sim: ServiceNowSimulator;
  beforeEach(async () => {
    clock = aClock('2026-02-03T04:05:06.789Z');
    sim = await startServiceNowSimulator({ instances: [anInstance()], now: clock.now });
  });
  afterEach(() => sim.stop());

  const byId = (table: ServiceNowTableName) =>
    new Map(([...sim.records('acme', table)] as AnyRecord[]).map((record) => [record.sys_id, record]));

  it('given mutate(n), when the table is read, then exactly those n records have sys_updated_on = now and sys_mod_count + 1', () => {
    const before = byId('incident');
    const changed = sim.mutate('acme', 'incident', 40);
    const after = byId('incident');
    expect(changed).toHaveLength(40);
    expect(changed).toEqual([...new Set(changed)].sort());
    for (const [sysId, record] of after) {
      const old = before.get(sysId)!;
      if (changed.includes(sysId)) {
        expect(record.sys_updated_on).toBe(NOW);
        expect(Number(record.sys_mod_count)).toBe(Number(old.sys_mod_count) + 1);
        expect(record).not.toEqual({
          ...old,
          sys_updated_on: NOW,
          sys_mod_count: record.sys_mod_count,
          sys_updated_by: record.sys_updated_by,
        });
      } else {
        expect(record).toEqual(old);
      }
    }
  });

  it('given mutate on incidents and cases, when read, then every changed task carries a new revision mark in short_description', () => {
    for (const table of ['incident', 'sn_customerservice_case'] as const) {
      const before = byId(table);
      const changed = sim.mutate('acme', table, 30);
      const after = byId(table);
      for (const sysId of changed) {
        expect(after.get(sysId)!.short_description).toMatch(/ \[rev \d+\]$/);
        expect(after.get(sysId)!.short_description).not.toBe(before.get(sysId)!.short_description);
      }
    }
  });

  it('given repeated mutations, when incidents move through their states, then lifecycle fields stay consistent', () => {
    for (let round = 0; round < 6; round++) {
      clock.advance(3600);
      sim.mutate('acme', 'incident', 120);
    }
    for (const record of byId('incident').values()) {
      const closed = record.state === '7' || record.state === '8';
      expect(record.active).toBe(closed ? 'false' : 'true');
      expect(record.incident_state).toBe(record.state);
      expect(record.resolved_at !== '').toBe(record.state === '6' || record.state === '7');
      expect(record.closed_at !== '').toBe(closed);
      if (record.resolved_at) expect(record.resolved_at <= record.sys_updated_on).toBe(true);
      if (record.closed_at) expect(record.closed_at <= record.sys_updated_on).toBe(true);
    }
  });

  it('given mutations, when a window starts at now, then the Table API returns exactly the mutated records', async () => {
    const changed = sim.mutate('acme', 'customer_contact', 7);
    const response = await tableGet(sim, 'customer_contact', {
      sysparm_query: `sys_updated_on>=${NOW}^ORDERBYsys_id`,
      sysparm_fields: 'sys_id,sys_updated_on',
    });
    expect(sysIdsOf(response.json!.result)).toEqual(changed);
  });

  it('given the same seed and calls, when mutated on two simulators, then the same records change the same way', async () => {
    const twin = await startServiceNowSimulator({ instances: [anInstance()], now: clock.now });
    try {
      expect(twin.mutate('acme', 'incident', 25)).toEqual(sim.mutate('acme', 'incident', 25));
      const strip = (text: string) => text.replaceAll(sim.instanceUrl, '').replaceAll(twin.instanceUrl, '');
      expect(strip(JSON.stringify(twin.records('acme', 'incident')))).toBe(
        strip(JSON.stringify(sim.records('acme', 'incident'))),
      );
    } finally {
      await twin.stop();
    }
  });

  it('given addRecords, when read, then new incidents exist in sys_id order, are New, created now and numbered after the others', async () => {
    const before = sim.ids('acme', 'incident');
    const added = sim.addRecords('acme', 'incident', 5);
    expect(added).toEqual([...added].sort());
    expect(sim.ids('acme', 'incident')).toEqual([...before, ...added].sort());
    const records = byId('incident');
    const numbers = added.map((sysId) => records.get(sysId)!.number).sort();
    expect(numbers).toEqual(['INC0010251', 'INC0010252', 'INC0010253', 'INC0010254', 'INC0010255']);
    for (const sysId of added) {
      expect(records.get(sysId)).toMatchObject({
        state: '1',
        active: 'true',
        sys_created_on: NOW,
        sys_updated_on: NOW,
        sys_mod_count: '0',
        closed_at: '',
      });
    }
    const one = await snGet(sim, `/api/now/table/incident/${added[0]}`);
    expect(one.json!.result.number).toBe(records.get(added[0]!)!.number);
    const count = await snGet(sim, '/api/now/stats/incident?sysparm_count=true');
    expect(count.json!.result.stats.count).toBe('255');
  });

  it('given setUpdatedOn, when read, then the records share that second; an unknown sys_id throws', () => {
    const ids = sim.ids('acme', 'incident').slice(10, 14);
    sim.mutate('acme', 'incident', 250);
    sim.setUpdatedOn('acme', 'incident', ids, '2024-05-05 05:05:05');
    const records = byId('incident');
    expect(ids.map((sysId) => records.get(sysId)!.sys_updated_on)).toEqual(
      new Array(4).fill('2024-05-05 05:05:05'),
    );
    expect(() => sim.setUpdatedOn('acme', 'incident', ['f'.repeat(32)], '2024-05-05 05:05:05')).toThrow(
      /no record/,
    );
    expect(() => sim.setUpdatedOn('acme', 'incident', ids, 'yesterday')).toThrow(/date/);
  });

  it('given a records() snapshot, when the table changes afterwards, then the snapshot does not', () => {
    const snapshot = sim.records('acme', 'sys_user_group');
    const before = JSON.stringify(snapshot);
    sim.mutate('acme', 'sys_user_group', 5);
    sim.addRecords('acme', 'sys_user_group', 2);
    expect(JSON.stringify(snapshot)).toBe(before);
    expect(sim.records('acme', 'sys_user_group')).toHaveLength(7);
  });
});

describe('ServiceNow simulator: request log', () => {
  it('given concurrent requests, when measured, then maxConcurrent and maxRequestsInAnyMinute count them, and resetRequests clears them', async () => {
    const sim = await startServiceNowSimulator({
      instances: [anInstance()],
      latency: { baseMs: 250, jitterMs: 0, perRecordMs: 0 },
    });
    try {
      await Promise.all(Array.from({ length: 6 }, () => tableGet(sim, 'incident', { sysparm_limit: 1 })));
      expect(sim.maxConcurrent('acme')).toBe(6);
      expect(sim.maxRequestsInAnyMinute('acme')).toBe(6);
      expect(
        sim.requests('acme').every((request) => request.instance === 'acme' && request.records === 1),
      ).toBe(true);
      const seen: string[] = [];
      sim.onRequest((request) => seen.push(request.path));
      sim.resetRequests();
      expect(sim.requests()).toEqual([]);
      expect(sim.maxRequestsInAnyMinute('acme')).toBe(0);
      await tableGet(sim, 'sys_user');
      expect(seen).toEqual(['/api/now/table/sys_user']);
      expect(() => sim.maxConcurrent('nope')).toThrow(/Unknown simulated instance/);
    } finally {
      await sim.stop();
    }
  });
});
