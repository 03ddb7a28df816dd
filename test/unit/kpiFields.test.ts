import type { CanonicalTableName } from '../../mappings/canonical';
import type { CanonicalRow, MappingResult } from '../../mappings/compile';
import { dataPeriod } from '../../simulator/core/period';
import { InstanceData } from '../../simulator/servicenow/store';
import type { ServiceNowTableName } from '../../simulator/servicenow/tables';
import { TenantData } from '../../simulator/store';
import { connectWise } from '../../sources/connectwise';
import { connectWiseSettingsSchema } from '../../sources/connectwise/settings';
import { serviceNow } from '../../sources/servicenow';
import { serviceNowSettingsSchema } from '../../sources/servicenow/settings';

/**
 * The KPI fields (reference analytics-platform.md §4.2) from simulated source records to canonical rows, through
 * the shipped mappings: each one filled where its source has it, and agreeing with the other columns.
 */
const period = dataPeriod(new Date('2026-12-01T00:00:00Z'));
const MINUTE = 60_000;

function mapAll(map: (record: unknown) => MappingResult, records: readonly unknown[]): CanonicalRow[] {
  return records.map((record) => {
    const result = map(record);
    if (!result.ok) throw new Error(result.reason);
    return result.row;
  });
}

const time = (value: unknown) => (value as Date).getTime();

describe('KPI fields from ConnectWise', () => {
  const settings = connectWiseSettingsSchema.parse({ baseUrl: 'https://cw.test' });
  const data = new TenantData(
    'acme',
    2024,
    { companies: 30, contacts: 60, tickets: 1_500, time_entries: 2_000 },
    period,
  );
  const rows = (table: CanonicalTableName) =>
    mapAll((record) => connectWise.mapping(settings, table).map(record), data.table(table).snapshot());

  it('given generated tickets, when mapped, then resolved ones carry their resolution and open ones do not', () => {
    const tickets = rows('tickets');
    const closed = tickets.filter((row) => row.closed);
    expect(closed.length).toBeGreaterThan(tickets.length * 0.9);
    for (const row of closed) {
      expect(row.date_resolved).toEqual(row.closed_date);
      expect(row.resolve_minutes).toBe(
        Math.round((time(row.date_resolved) - time(row.date_entered)) / MINUTE),
      );
      expect(row.sla_status).toBe(row.priority === 'Do Not Respond' ? null : 'Resolved');
    }
    for (const row of tickets.filter((ticket) => !ticket.closed)) {
      expect([row.date_resolved, row.resolve_minutes]).toEqual([null, null]);
    }
  });

  it('given generated tickets, when mapped, then responses, SLA outcomes and agreements are filled and agree', () => {
    const tickets = rows('tickets');
    for (const row of tickets) {
      expect(typeof row.is_in_sla).toBe('boolean');
      expect(row.reopened_count).toBeNull();
      if (row.date_responded !== null && row.respond_minutes !== null) {
        expect(row.respond_minutes).toBe(
          Math.round((time(row.date_responded) - time(row.date_entered)) / MINUTE),
        );
      }
      expect(row.agreement_id === null).toBe(row.agreement_name === null);
    }
    expect(tickets.filter((row) => row.respond_minutes !== null).length).toBeGreaterThan(
      tickets.length * 0.9,
    );
    expect(new Set(tickets.map((row) => row.agreement_name))).toEqual(
      new Set(['Managed Services Gold', 'Block Hours 2024', null]),
    );
    const inSla = tickets.filter((row) => row.closed && row.is_in_sla).length;
    expect(inSla / tickets.filter((row) => row.closed).length).toBeGreaterThan(0.6);
  });

  it('given generated time entries, when mapped, then rates, amounts, roles and agreements are filled and agree', () => {
    const entries = rows('time_entries');
    for (const row of entries) {
      expect(row.hourly_rate).toEqual(expect.any(Number));
      expect(row.hourly_cost).toBeCloseTo((row.hourly_rate as number) * 0.6, 2);
      expect(row.extended_invoice_amount).toBeCloseTo(
        (row.billed_hours as number) * (row.hourly_rate as number),
        2,
      );
      expect(['Technician', 'Engineer', 'Project Manager']).toContain(row.work_role);
    }
    const billed = entries.filter((row) => (row.extended_invoice_amount as number) > 0);
    expect(billed.every((row) => row.billable_option === 'Billable')).toBe(true);
    expect(entries.filter((row) => row.agreement_id !== null).length).toBeGreaterThan(entries.length / 3);
  });
});

describe('KPI fields from ServiceNow', () => {
  const settings = serviceNowSettingsSchema.parse({ instanceUrl: 'https://acme.service-now.com' });
  const data = new InstanceData(
    'acme',
    2024,
    {
      customer_account: 20,
      customer_contact: 60,
      incident: 1_500,
      task_time_worked: 1_000,
      sn_customerservice_case: 200,
    },
    period,
  );
  const rows = (table: CanonicalTableName, sourceTable: ServiceNowTableName) => {
    const store = data.table(sourceTable);
    const mapping = serviceNow.mapping(
      serviceNowSettingsSchema.parse({ ...settings, tableMap: { [table]: sourceTable } }),
      table,
    );
    return mapAll(
      (record) => mapping.map(record),
      Array.from({ length: store.length }, (_, k) => store.record(k)),
    );
  };

  it('given generated incidents, when mapped, then resolved ones carry their resolution, business resolve time and SLA outcome', () => {
    const incidents = rows('tickets', 'incident');
    const resolved = incidents.filter((row) => row.date_resolved !== null);
    expect(resolved.length).toBeGreaterThan(incidents.length * 0.9);
    for (const row of resolved) {
      expect(row.closed).toBe(true);
      const calendarMinutes = (time(row.date_resolved) - time(row.date_entered)) / MINUTE;
      // Business time (weekdays 08–17) is part of calendar time.
      expect(row.resolve_minutes as number).toBeLessThanOrEqual(calendarMinutes + 1e-9);
      expect(row.resolve_minutes as number).toBeGreaterThanOrEqual(0);
    }
    for (const row of incidents) {
      expect(typeof row.is_in_sla).toBe('boolean');
      expect(row.reopened_count).toEqual(expect.any(Number));
      expect([row.date_responded, row.respond_minutes, row.sla_status, row.agreement_id]).toEqual([
        null,
        null,
        null,
        null,
      ]);
    }
    const canceled = incidents.filter((row) => row.status === 'Canceled');
    expect(canceled.length).toBeGreaterThan(0);
    for (const row of canceled) expect([row.closed, row.date_resolved]).toEqual([true, null]);
    const made = resolved.filter((row) => row.is_in_sla).length / resolved.length;
    expect(made).toBeGreaterThan(0.6);
    expect(made).toBeLessThan(1);
  });

  it('given generated cases, when mapped, then date_resolved and is_in_sla are filled and resolve_minutes is null (no durations)', () => {
    const cases = rows('tickets', 'sn_customerservice_case');
    expect(cases.filter((row) => row.date_resolved !== null).length).toBeGreaterThan(cases.length / 2);
    for (const row of cases) {
      expect(typeof row.is_in_sla).toBe('boolean');
      expect([row.resolve_minutes, row.reopened_count]).toEqual([null, null]);
    }
  });

  it('given generated Time Worked, when mapped, then rates, amounts, roles and agreements are null', () => {
    for (const row of rows('time_entries', 'task_time_worked')) {
      expect([
        row.hourly_rate,
        row.hourly_cost,
        row.extended_invoice_amount,
        row.agreement_id,
        row.agreement_name,
        row.work_role,
      ]).toEqual([null, null, null, null, null, null]);
    }
  });
});
