import { CONNECTWISE_TABLES } from '../../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../../simulator';
import { EPOCH_END, EPOCH_START } from '../../simulator/data';
import { lazyReadonlyArray, TenantData } from '../../simulator/store';
import { type AnyRecord, aTenant, cwGet, idsOf } from './helpers';

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const sizes = { companies: 60, contacts: 150, tickets: 2_000, time_entries: 3_000 };

function walk(value: unknown, visit: (value: unknown, key: string) => void, key = ''): void {
  visit(value, key);
  if (Array.isArray(value)) value.forEach((inner) => walk(inner, visit, key));
  else if (value && typeof value === 'object')
    Object.entries(value).forEach(([k, inner]) => walk(inner, visit, k));
}

describe('generated records', () => {
  let sim: Simulator;
  const fixedNow = new Date('2026-02-03T04:05:06.789Z');
  beforeAll(async () => {
    sim = await startSimulator({
      tenants: [aTenant({ sizes }), aTenant({ companyId: 'other', sizes })],
      now: () => fixedNow,
    });
  });
  afterAll(() => sim.stop());

  const all = (table: (typeof CONNECTWISE_TABLES)[number]) =>
    sim.records('acme', table) as readonly AnyRecord[];

  it('given a tenant, when records are listed, then each table has its configured size sorted by increasing ids with 1–3 gaps', () => {
    for (const table of CONNECTWISE_TABLES) {
      const ids = idsOf(all(table));
      expect(ids).toHaveLength(sizes[table]);
      expect(ids[0]).toBeGreaterThan(1);
      const gaps = ids.slice(1).map((id, i) => id - (ids[i] as number));
      expect(Math.min(...gaps)).toBe(1);
      expect(Math.max(...gaps)).toBe(3);
    }
  });

  it('given the same seed, when generated twice, then records are identical; another companyId gives other records', () => {
    const again = new TenantData('acme', 123, sizes);
    const same = new TenantData('acme', 123, sizes);
    const other = new TenantData('acme', 124, sizes);
    expect(JSON.stringify(again.table('tickets').snapshot())).toBe(
      JSON.stringify(same.table('tickets').snapshot()),
    );
    expect(JSON.stringify(again.table('tickets').snapshot())).not.toBe(
      JSON.stringify(other.table('tickets').snapshot()),
    );
    expect(JSON.stringify(sim.records('acme', 'tickets'))).not.toBe(
      JSON.stringify(sim.records('other', 'tickets')),
    );
  });

  it('given any record, when its _info timestamps are read, then they are whole UTC seconds inside 2023–2025 and lastUpdated >= dateEntered', () => {
    for (const table of CONNECTWISE_TABLES) {
      for (const record of all(table)) {
        const info = record._info as AnyRecord;
        const entered = (record.dateEntered ?? info.dateEntered) as string;
        expect(info.lastUpdated).toMatch(ISO_SECONDS);
        expect(entered).toMatch(ISO_SECONDS);
        expect(Date.parse(info.lastUpdated)).toBeGreaterThanOrEqual(Date.parse(entered));
        expect(Date.parse(entered) / 1000).toBeGreaterThanOrEqual(EPOCH_START);
        expect(Date.parse(info.lastUpdated) / 1000).toBeLessThanOrEqual(EPOCH_END);
      }
    }
  });

  it('given a large table, when neighbours are compared, then about 5% share their lastUpdated second', () => {
    const tickets = all('tickets');
    const shared = tickets.filter(
      (record, i) => i > 0 && record._info.lastUpdated === tickets[i - 1]?._info.lastUpdated,
    ).length;
    expect(shared / tickets.length).toBeGreaterThan(0.03);
    expect(shared / tickets.length).toBeLessThan(0.08);
  });

  it('given tickets, contacts and time entries, when their references are resolved, then they point at existing records with matching names', () => {
    const companies = new Map(all('companies').map((company) => [company.id, company]));
    const contacts = new Map(all('contacts').map((contact) => [contact.id, contact]));
    const tickets = new Map(all('tickets').map((ticket) => [ticket.id, ticket]));
    for (const contact of contacts.values()) {
      expect(companies.get(contact.company.id)?.name).toBe(contact.company.name);
    }
    for (const ticket of tickets.values()) {
      const company = companies.get(ticket.company.id);
      expect(company?.identifier).toBe(ticket.company.identifier);
      if (ticket.contact) expect(contacts.get(ticket.contact.id)?.company.id).toBe(ticket.company.id);
      for (const ref of [ticket.board, ticket.status, ticket.priority, ticket.company]) {
        expect(Object.values(ref._info ?? {}).every((href) => String(href).startsWith('https://'))).toBe(
          true,
        );
      }
    }
    let onTickets = 0;
    for (const entry of all('time_entries')) {
      expect(companies.has(entry.company.id)).toBe(true);
      if (entry.chargeToType === 'ServiceTicket' || entry.chargeToType === 'ProjectTicket') {
        onTickets++;
        const charged = tickets.get(entry.chargeToId);
        expect(charged?.summary).toBe(entry.ticket.summary);
        expect(entry.ticket.id).toBe(entry.chargeToId);
        expect(charged?.company.id).toBe(entry.company.id);
      } else {
        expect(entry.ticket).toBeUndefined();
      }
      expect(Date.parse(entry.timeEnd)).toBeGreaterThan(Date.parse(entry.timeStart));
      expect(entry.actualHours).toBe((Date.parse(entry.timeEnd) - Date.parse(entry.timeStart)) / 3_600_000);
    }
    expect(onTickets / sizes.time_entries).toBeGreaterThan(0.85);
  });

  it('given generated data, when inspected, then it has unicode names, omitted and explicit-null optionals, unset custom fields and padded updatedBy', () => {
    const companies = all('companies');
    const tickets = all('tickets');
    expect(companies.map((company) => company.name)).toEqual(
      expect.arrayContaining(['Þekking', 'Zürich Dental GmbH', '東京オフィス']),
    );
    expect(tickets.some((ticket) => !('owner' in ticket))).toBe(true);
    expect(tickets.some((ticket) => ticket.budgetHours === null)).toBe(true);
    expect(
      tickets.some((ticket) => ticket.closedFlag === true && typeof ticket.closedDate === 'string'),
    ).toBe(true);
    expect(tickets.some((ticket) => ticket.closedFlag === false && !('closedDate' in ticket))).toBe(true);
    const customFields = tickets.flatMap((ticket) => ticket.customFields as AnyRecord[]);
    expect(customFields.some((field) => !('value' in field))).toBe(true);
    expect(customFields.some((field) => 'value' in field)).toBe(true);
    expect(tickets.some((ticket) => / {2,}$/.test(ticket._info.updatedBy))).toBe(true);
  });

  it('given any record, when walked, then no value is undefined (unset fields are absent, as after JSON parsing)', () => {
    for (const table of CONNECTWISE_TABLES) {
      for (const record of all(table).slice(0, 300)) {
        walk(record, (value, key) => {
          if (value === undefined) throw new Error(`${table} ${String(record.id)}: ${key} is undefined`);
        });
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }
    }
  });

  it('given a records() snapshot, when the table changes afterwards, then the snapshot does not', () => {
    const before = sim.records('other', 'tickets');
    const firstBefore = JSON.stringify(before[0]);
    const lengthBefore = before.length;
    sim.addRecords('other', 'tickets', 3);
    sim.setLastUpdated('other', 'tickets', [(before[0] as AnyRecord).id], '2025-05-05T05:05:05Z');
    expect(before).toHaveLength(lengthBefore);
    expect(JSON.stringify(before[0])).toBe(firstBefore);
    expect(sim.records('other', 'tickets')).toHaveLength(lengthBefore + 3);
  });
});

describe('mutations', () => {
  let sim: Simulator;
  let clock = new Date('2026-01-10T08:00:00.500Z');
  beforeEach(async () => {
    clock = new Date('2026-01-10T08:00:00.500Z');
    sim = await startSimulator({ tenants: [aTenant({ sizes })], now: () => clock });
  });
  afterEach(() => sim.stop());

  it('given mutate(), when records are read, then the chosen ones have new content and lastUpdated = now in whole seconds', () => {
    const before = new Map(
      sim.records('acme', 'tickets').map((record) => [(record as AnyRecord).id, JSON.stringify(record)]),
    );
    const ids = sim.mutate('acme', 'tickets', 25);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const after = new Map(
      sim.records('acme', 'tickets').map((record) => [(record as AnyRecord).id, record as AnyRecord]),
    );
    for (const id of ids) {
      const record = after.get(id) as AnyRecord;
      expect(record._info.lastUpdated).toBe('2026-01-10T08:00:00Z');
      const previous = JSON.parse(before.get(id) as string);
      expect(record.summary).not.toBe(previous.summary);
      expect(record.status.id).not.toBe(previous.status.id);
      expect(record._info.dateEntered).toBe(previous._info.dateEntered);
    }
    const untouched = [...after.values()].filter((record) => !ids.includes(record.id));
    expect(untouched.every((record) => JSON.stringify(record) === before.get(record.id))).toBe(true);
  });

  it('given deleteRecords(), then lists (both pagings), /count, GET by id and records() no longer see them, and mutate never picks them', async () => {
    const ids = sim.ids('acme', 'tickets');
    const gone = [ids[0]!, ids[500]!, ids.at(-1)!];
    expect(sim.deleteRecords('acme', 'tickets', [...gone, 999_999_999])).toEqual(gone);

    const count = await cwGet(sim, '/service/tickets/count');
    expect(count.json).toEqual({ count: ids.length - 3 });
    const forward: number[] = [];
    for (let pageId = 0; ;) {
      const page = await cwGet(
        sim,
        `/service/tickets?pageSize=1000&fields=id${pageId ? `&pageId=${pageId}` : ''}`,
        {
          headers: { 'pagination-type': 'forward-only' },
        },
      );
      const found = idsOf(page.json as unknown[]);
      forward.push(...found);
      if (found.length < 1000) break;
      pageId = found.at(-1)!;
    }
    expect(forward).toEqual(ids.filter((id) => !gone.includes(id)));
    const navigable = await cwGet(sim, '/service/tickets?pageSize=5&orderBy=id asc');
    expect(idsOf(navigable.json as unknown[])[0]).toBe(ids[1]);
    expect((await cwGet(sim, `/service/tickets/${gone[1]}`)).status).toBe(404);
    expect(idsOf(sim.records('acme', 'tickets'))).toEqual(forward);
    expect(sim.ids('acme', 'tickets')).toEqual(forward);
    const changed = sim.mutate('acme', 'tickets', ids.length);
    expect(changed.filter((id) => gone.includes(id))).toEqual([]);
  });

  it('given the same tenant and operations, when mutate() runs on two simulators, then the same records are chosen', async () => {
    const twin = await startSimulator({ tenants: [aTenant({ sizes })], now: () => clock });
    try {
      expect(sim.mutate('acme', 'contacts', 10)).toEqual(twin.mutate('acme', 'contacts', 10));
      expect(sim.mutate('acme', 'contacts', 10)).toEqual(twin.mutate('acme', 'contacts', 10));
      expect(sim.records('acme', 'contacts')).toEqual(twin.records('acme', 'contacts'));
    } finally {
      await twin.stop();
    }
  });

  it('given mutate() of more records than exist, when called, then every record is changed once', () => {
    const ids = sim.mutate('acme', 'companies', 1_000);
    expect(ids).toEqual(idsOf(sim.records('acme', 'companies')));
  });

  it('given a record mutated twice, when read, then it reflects the latest revision', () => {
    const all = sim.mutate('acme', 'time_entries', sizes.time_entries);
    clock = new Date('2026-01-11T09:30:00Z');
    const again = sim.mutate('acme', 'time_entries', sizes.time_entries);
    expect(again).toEqual(all);
    const record = sim.records('acme', 'time_entries')[0] as AnyRecord;
    expect(record._info.lastUpdated).toBe('2026-01-11T09:30:00Z');
    expect(record.notes).toMatch(/\[rev \d+\]$/);
  });

  it('given addRecords(), when records are read, then new ids are higher than all previous ones and dated now', () => {
    const previousMax = Math.max(...idsOf(sim.records('acme', 'tickets')));
    const ids = sim.addRecords('acme', 'tickets', 5);
    expect(ids).toHaveLength(5);
    expect(ids[0]).toBeGreaterThan(previousMax);
    const added = sim.records('acme', 'tickets').slice(-5) as AnyRecord[];
    expect(idsOf(added)).toEqual(ids);
    for (const record of added) {
      expect(record._info.lastUpdated).toBe('2026-01-10T08:00:00Z');
      expect(record._info.dateEntered).toBe('2026-01-10T08:00:00Z');
      expect(record.closedFlag).toBe(false);
    }
  });

  it('given an empty table, when addRecords() is called, then it starts the table', () => {
    const empty = new TenantData('empty', 5, {});
    const ids = empty.addRecords('companies', 3, clock);
    expect(ids).toHaveLength(3);
    expect(idsOf(empty.table('companies').snapshot())).toEqual(ids);
  });

  it('given setLastUpdated(), when records are read, then they share exactly that second; an unknown id throws', () => {
    const ids = idsOf(sim.records('acme', 'tickets')).slice(10, 14);
    sim.mutate('acme', 'tickets', 2_000); // overrides must be updated too
    sim.setLastUpdated('acme', 'tickets', ids, '2024-07-07T07:07:07Z');
    const byId = new Map(
      sim.records('acme', 'tickets').map((record) => [(record as AnyRecord).id, record as AnyRecord]),
    );
    for (const id of ids) expect(byId.get(id)?._info.lastUpdated).toBe('2024-07-07T07:07:07Z');
    expect(() => sim.setLastUpdated('acme', 'tickets', [1], '2024-07-07T07:07:07Z')).toThrow(
      /no record with id 1/,
    );
    expect(() => sim.setLastUpdated('acme', 'tickets', ids, 'not a date')).toThrow();
  });

  it('given an unknown tenant, when mutated, then it throws', () => {
    expect(() => sim.mutate('nobody', 'tickets', 1)).toThrow(/Unknown simulated tenant/);
  });
});

describe('lazyReadonlyArray', () => {
  const lazy = lazyReadonlyArray(4, (i) => ({ n: i * 10 }));
  const plain = [{ n: 0 }, { n: 10 }, { n: 20 }, { n: 30 }];

  it('given a lazy array, when read like an array, then it behaves like the plain array', () => {
    expect(Array.isArray(lazy)).toBe(true);
    expect(lazy).toHaveLength(4);
    expect(lazy[2]).toEqual({ n: 20 });
    expect(lazy[4]).toBeUndefined();
    expect([...lazy]).toEqual(plain);
    expect(lazy.map((x) => x.n)).toEqual([0, 10, 20, 30]);
    expect(lazy.filter((x) => x.n > 10)).toEqual([{ n: 20 }, { n: 30 }]);
    expect(lazy.find((x) => x.n === 30)).toEqual({ n: 30 });
    expect(lazy.slice(1, 2)).toEqual([{ n: 10 }]);
    expect(Object.keys(lazy)).toEqual(['0', '1', '2', '3']);
    expect(JSON.stringify(lazy)).toBe(JSON.stringify(plain));
    expect(lazy).toEqual(plain);
    expect(2 in lazy).toBe(true);
  });

  it('given a lazy array, when written to, then the write fails', () => {
    expect(() => {
      (lazy as { n: number }[])[0] = { n: 1 };
    }).toThrow(TypeError);
    expect(() => (lazy as { n: number }[]).push({ n: 1 })).toThrow(TypeError);
  });
});
