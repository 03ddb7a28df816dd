import {
  startServiceNowSimulator,
  type ServiceNowSimulator,
  type ServiceNowTableName,
} from '../../../simulator';
import { dataPeriod } from '../../../simulator/core/period';
import { businessSeconds, parseGlideDateTime } from '../../../simulator/servicenow/dates';
import { InstanceData } from '../../../simulator/servicenow/store';
import { RESOLVE_TARGET_HOURS } from '../../../simulator/servicenow/tables';
import { type AnyRecord, anInstance } from './helpers';

const ENDS = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400;
const endSeconds = ENDS.getTime() / 1000;
/** About the demo's Globex Services. */
const sizes = {
  customer_account: 120,
  customer_contact: 450,
  incident: 4_000,
  task_time_worked: 5_000,
  sn_customerservice_case: 600,
};

const seconds = (text: string) => parseGlideDateTime(text) as number;
const daysBefore = (text: string) => (endSeconds - seconds(text)) / DAY;
const OPEN_INCIDENT = new Set(['1', '2', '3']);

/** Durations, made_sla and resolution of one incident agree with its timestamps and its priority's target. */
function expectConsistentIncident(incident: AnyRecord, asOf: number): void {
  const opened = seconds(incident.opened_at);
  const stopped = incident.resolved_at || (incident.state === '8' ? incident.closed_at : '');
  if (stopped) {
    expect(seconds(incident.calendar_duration)).toBe(seconds(stopped) - opened);
    expect(seconds(incident.business_duration)).toBe(businessSeconds(opened, seconds(stopped)));
  } else {
    expect([incident.calendar_duration, incident.business_duration]).toEqual(['', '']);
  }
  const target = (RESOLVE_TARGET_HOURS[incident.priority] as number) * 3600;
  const took = (incident.resolved_at ? seconds(incident.resolved_at) : asOf) - opened;
  expect(incident.made_sla).toBe(incident.state === '8' || took <= target ? 'true' : 'false');
}

describe('ServiceNow simulator: records of a period that ends at a reference time (dataEndsAt)', () => {
  let sim: ServiceNowSimulator;
  let clock = new Date(ENDS.getTime() + 8 * 3_600_000);
  beforeAll(async () => {
    sim = await startServiceNowSimulator({
      instances: [anInstance({ sizes })],
      dataEndsAt: ENDS,
      now: () => clock,
    });
  });
  afterAll(() => sim.stop());

  const all = (table: ServiceNowTableName) => [...sim.records('acme', table)] as AnyRecord[];

  it('given dataEndsAt, when records are read, then every timestamp is in the three years before it and the last day has records', () => {
    for (const table of [
      'customer_account',
      'incident',
      'task_time_worked',
      'sn_customerservice_case',
    ] as const) {
      const records = all(table);
      for (const record of records) {
        expect(seconds(record.sys_created_on)).toBeGreaterThanOrEqual(endSeconds - 1096 * DAY);
        expect(seconds(record.sys_updated_on)).toBeLessThan(endSeconds);
        expect(record.sys_updated_on >= record.sys_created_on).toBe(true);
      }
      expect(Math.min(...records.map((record) => daysBefore(record.sys_updated_on)))).toBeLessThan(1);
    }
  });

  it('given dataEndsAt, when incidents are counted per week of the last 90 days, then each week has incidents opened and resolved', () => {
    const incidents = all('incident');
    for (let week = 0; week < 13; week++) {
      const inWeek = (text: string) =>
        text !== '' && daysBefore(text) >= week * 7 && daysBefore(text) < week * 7 + 7;
      expect(incidents.filter((incident) => inWeek(incident.opened_at)).length).toBeGreaterThan(10);
      expect(incidents.filter((incident) => inWeek(incident.resolved_at)).length).toBeGreaterThan(10);
    }
  });

  it('given dataEndsAt, when the open backlog is read, then it is small and holds both recent and stale incidents', () => {
    const open = all('incident').filter((incident) => OPEN_INCIDENT.has(incident.state));
    const ages = open.map((incident) => daysBefore(incident.opened_at));
    expect(open.length / sizes.incident).toBeGreaterThan(0.003);
    expect(open.length / sizes.incident).toBeLessThan(0.05);
    expect(ages.filter((age) => age < 7).length).toBeGreaterThan(0);
    expect(ages.filter((age) => age > 30).length).toBeGreaterThan(0);
    for (const incident of open) expect([incident.resolved_at, incident.closed_at]).toEqual(['', '']);
  });

  it('given dataEndsAt, when time worked is counted per week of the last four weeks, then each week has entries', () => {
    const entries = all('task_time_worked');
    for (let week = 0; week < 4; week++) {
      const count = entries.filter(
        (entry) =>
          daysBefore(entry.sys_created_on) >= week * 7 && daysBefore(entry.sys_created_on) < week * 7 + 7,
      ).length;
      expect(count).toBeGreaterThan(10);
    }
  });

  it.each([
    ['the fixed period', undefined],
    ['a period ending at a reference time', ENDS],
  ])(
    'given %s, when incidents are read, then durations and made_sla agree with their timestamps and priority targets',
    (_, endsAt) => {
      const period = dataPeriod(endsAt);
      const data = new InstanceData('acme', 91, { incident: 2_000, sys_user: 20, sys_user_group: 5 }, period);
      const store = data.table('incident');
      const incidents = Array.from({ length: store.length }, (_unused, k) => store.record(k));
      for (const incident of incidents) expectConsistentIncident(incident, period.end);
      const resolved = incidents.filter((incident) => incident.resolved_at !== '');
      const made = resolved.filter((incident) => incident.made_sla === 'true').length / resolved.length;
      if (endsAt) expect(made).toBeGreaterThan(0.7);
      expect(made).toBeLessThan(0.97);
    },
  );

  it('given cases, when read, then made_sla says whether the case was resolved, or has been open, within its priority target', () => {
    for (const kase of all('sn_customerservice_case')) {
      const opened = seconds(kase.opened_at);
      const target = (RESOLVE_TARGET_HOURS[kase.priority] as number) * 3600;
      const took = (kase.resolved_at ? seconds(kase.resolved_at) : endSeconds - 1) - opened;
      expect(kase.made_sla).toBe(kase.state === '7' || took <= target ? 'true' : 'false');
    }
  });

  it('given incidents resolved at the real time after the reference time, when read, then their durations and made_sla are set at resolution', () => {
    clock = new Date(ENDS.getTime() + 9 * 3_600_000);
    // New (1) → In Progress (2) → Resolved (6) or On Hold (3): enough revisions resolve some of them.
    for (let round = 0; round < 3; round++) sim.mutate('acme', 'incident', 400);
    const revised = all('incident').filter((incident) => incident.sys_updated_on === '2026-12-01 09:00:00');
    const resolvedNow = revised.filter((incident) => incident.resolved_at === '2026-12-01 09:00:00');
    expect(resolvedNow.length).toBeGreaterThan(0);
    for (const incident of resolvedNow) expectConsistentIncident(incident, clock.getTime() / 1000);
  });
});
