import { CONNECTWISE_TABLES } from '../../sources/connectwise/endpoints';
import { startSimulator, type Simulator } from '../../simulator';
import { PRIORITY_SLA_MINUTES } from '../../simulator/connectwise/catalog';
import { dataPeriod, FIXED_PERIOD, startOfUtcDay } from '../../simulator/core/period';
import { TenantData } from '../../simulator/store';
import { type AnyRecord, aTenant } from './helpers';

const ENDS = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const THREE_YEARS = 1096 * DAY;
/** About the demo's Contoso IT. */
const sizes = { companies: 150, contacts: 700, tickets: 3_000, time_entries: 4_500 };

const at = (iso: unknown) => Date.parse(iso as string);
const enteredOf = (record: AnyRecord) => at(record.dateEntered ?? record._info.dateEntered);
const daysBefore = (iso: unknown) => (ENDS.getTime() - at(iso)) / DAY;

/** The SLA members of one generated ticket agree with its timestamps and its priority's targets. */
function expectConsistentSla(ticket: AnyRecord, asOf: number): void {
  const entered = at(ticket._info.dateEntered);
  const targets = PRIORITY_SLA_MINUTES[ticket.priority.id as number];
  if (ticket.dateResponded !== undefined) {
    expect(ticket.respondMinutes).toBe(Math.round((at(ticket.dateResponded) - entered) / 60_000));
  } else {
    expect([ticket.respondMinutes, ticket.closedFlag, ticket.status.name]).toEqual([0, false, 'New']);
  }
  if (ticket.closedFlag) {
    expect(ticket.dateResolved).toBe(ticket.closedDate);
    expect(at(ticket.dateResponded)).toBeLessThanOrEqual(at(ticket.dateResolved));
    expect(ticket.resolveMinutes).toBe(Math.round((at(ticket.dateResolved) - entered) / 60_000));
  } else {
    expect([ticket.dateResolved, ticket.resolveMinutes]).toEqual([undefined, 0]);
  }
  if (!targets) {
    expect([ticket.isInSla, ticket.slaStatus]).toEqual([true, undefined]);
    return;
  }
  const took = (stopped: unknown) => ((stopped === undefined ? asOf : at(stopped)) - entered) / 60_000;
  expect(ticket.isInSla).toBe(
    took(ticket.dateResponded) <= targets.respond && took(ticket.dateResolved) <= targets.resolve,
  );
  expect(ticket.slaStatus).toMatch(
    ticket.closedFlag
      ? /^Resolved$/
      : ticket.dateResponded === undefined
        ? /^Respond by (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2}\/\d{2} \d{1,2}:\d{2} (AM|PM) UTC$/
        : /^Resolve by (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{2}\/\d{2} \d{1,2}:\d{2} (AM|PM) UTC$/,
  );
}

describe('generated records of a period that ends at a reference time (dataEndsAt)', () => {
  let sim: Simulator;
  let clock = new Date(ENDS.getTime() + 9 * 3_600_000);
  beforeAll(async () => {
    sim = await startSimulator({ tenants: [aTenant({ sizes })], dataEndsAt: ENDS, now: () => clock });
  });
  afterAll(() => sim.stop());

  const all = (table: (typeof CONNECTWISE_TABLES)[number]) =>
    sim.records('acme', table) as readonly AnyRecord[];

  it('given no dataEndsAt, when the period is derived, then it is the fixed 2023–2025 one; a reference day gives the three years before its midnight', () => {
    expect(dataPeriod()).toBe(FIXED_PERIOD);
    expect([FIXED_PERIOD.start, FIXED_PERIOD.end].map((s) => new Date(s * 1000).toISOString())).toEqual([
      '2023-01-01T00:00:00.000Z',
      '2025-12-31T23:59:59.000Z',
    ]);
    const reference = startOfUtcDay(new Date('2026-12-01T17:45:12.345Z'));
    expect(reference.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    const period = dataPeriod(reference);
    expect([period.start, period.end].map((s) => new Date(s * 1000).toISOString())).toEqual([
      '2023-12-01T00:00:00.000Z',
      '2026-11-30T23:59:59.000Z',
    ]);
  });

  it('given dataEndsAt, when records are read, then every timestamp is in the three years before it and the last day has records', () => {
    for (const table of CONNECTWISE_TABLES) {
      const records = all(table);
      for (const record of records) {
        expect(enteredOf(record)).toBeGreaterThanOrEqual(ENDS.getTime() - THREE_YEARS);
        expect(at(record._info.lastUpdated)).toBeLessThan(ENDS.getTime());
        expect(at(record._info.lastUpdated)).toBeGreaterThanOrEqual(enteredOf(record));
      }
      expect(Math.min(...records.map((record) => daysBefore(record._info.lastUpdated)))).toBeLessThan(1);
    }
  });

  it('given dataEndsAt, when tickets are counted per week of the last 90 days, then each week has tickets created and tickets closed', () => {
    const tickets = all('tickets');
    for (let week = 0; week < 13; week++) {
      const inWeek = (iso: unknown) => daysBefore(iso) >= week * 7 && daysBefore(iso) < week * 7 + 7;
      expect(tickets.filter((ticket) => inWeek(ticket._info.dateEntered)).length).toBeGreaterThan(10);
      expect(
        tickets.filter((ticket) => ticket.closedFlag && inWeek(ticket.closedDate)).length,
      ).toBeGreaterThan(10);
    }
  });

  it('given dataEndsAt, when the open backlog is read, then it is small and holds both recent and stale tickets', () => {
    const open = all('tickets').filter((ticket) => !ticket.closedFlag);
    const ages = open.map((ticket) => daysBefore(ticket._info.dateEntered));
    expect(open.length / sizes.tickets).toBeGreaterThan(0.003);
    expect(open.length / sizes.tickets).toBeLessThan(0.05);
    expect(ages.filter((age) => age < 7).length).toBeGreaterThan(0);
    expect(ages.filter((age) => age > 30).length).toBeGreaterThan(0);
    expect(ages.filter((age) => age < 30).length).toBeGreaterThan(ages.length / 4);
  });

  it('given dataEndsAt, when time entries are counted per week of the last four weeks, then each week has entries', () => {
    const entries = all('time_entries');
    for (let week = 0; week < 4; week++) {
      const count = entries.filter(
        (entry) => daysBefore(entry.timeStart) >= week * 7 && daysBefore(entry.timeStart) < week * 7 + 7,
      ).length;
      expect(count).toBeGreaterThan(10);
    }
  });

  it.each([
    ['the fixed period', undefined],
    ['a period ending at a reference time', ENDS],
  ])(
    'given %s, when ticket SLA fields are read, then they agree with the timestamps and the priority targets',
    (_, endsAt) => {
      const period = dataPeriod(endsAt);
      const data = new TenantData('acme', 77, { companies: 40, contacts: 80, tickets: 2_000 }, period);
      const tickets = data.table('tickets').snapshot() as readonly AnyRecord[];
      for (const ticket of tickets) expectConsistentSla(ticket, period.end * 1000);
      const closed = tickets.filter((ticket) => ticket.closedFlag);
      const inSla = closed.filter((ticket) => ticket.isInSla).length / closed.length;
      // Live resolutions are timed against the targets (most within); fixed ones are spread over three weeks.
      if (endsAt) expect(inSla).toBeGreaterThan(0.65);
      expect(inSla).toBeLessThan(0.95);
    },
  );

  it('given a company under an agreement, when its tickets and their time entries are read, then the time counts against the ticket agreement', () => {
    const tickets = new Map(all('tickets').map((ticket) => [ticket.id, ticket]));
    const entries = all('time_entries').filter((entry) => entry.ticket !== undefined);
    expect(entries.filter((entry) => entry.agreement).length).toBeGreaterThan(entries.length / 3);
    for (const entry of entries) {
      expect(entry.agreement ?? undefined).toEqual(tickets.get(entry.ticket.id)?.agreement);
    }
    const names = new Set(all('tickets').map((ticket) => ticket.agreement?.name));
    expect([...names].sort()).toEqual(['Block Hours 2024', 'Managed Services Gold', undefined]);
  });

  it('given the same seed and reference time, when generated twice, then the records are identical; another reference time moves them', () => {
    const tables = (endsAt: Date) =>
      new TenantData('acme', 123, sizes, dataPeriod(endsAt)).table('tickets').snapshot();
    expect(JSON.stringify(tables(ENDS))).toBe(JSON.stringify(tables(new Date(ENDS))));
    const dayLater = tables(new Date(ENDS.getTime() + DAY));
    expect(JSON.stringify(dayLater)).not.toBe(JSON.stringify(tables(ENDS)));
  });

  it('given changes at the real time after the reference time, when records are mutated and added, then they carry that time, later than anything generated', () => {
    const before = Math.max(...all('tickets').map((ticket) => at(ticket._info.lastUpdated)));
    clock = new Date(ENDS.getTime() + 10 * 3_600_000);
    const changed = new Set(sim.mutate('acme', 'tickets', 30));
    const added = sim.addRecords('acme', 'tickets', 3);
    const tickets = all('tickets');
    const touched = tickets.filter((ticket) => changed.has(ticket.id) || added.includes(ticket.id));
    expect(touched).toHaveLength(33);
    for (const ticket of touched) {
      expect(ticket._info.lastUpdated).toBe('2026-12-01T10:00:00Z');
      expect(at(ticket._info.lastUpdated)).toBeGreaterThan(before);
      expectConsistentSla(ticket, clock.getTime());
    }
  });
});
