/**
 * A generated tenant of any size for scenario 6, written directly as canonical history
 * (`{lake}/{tenant}/canonical/{table}/{source}/history.parquet`) by DuckDB from SQL: a million tickets take
 * seconds, where syncing them through the simulator and the pipeline would take minutes.
 *
 * The files have the schema compaction writes (services/transform/compactHistory.ts): identity, the table's
 * canonical columns in model order (mappings/canonical.ts) with the DuckDB types of DUCKDB_TYPES, then
 * valid_from, valid_to, is_current and record_hash; ordered by key and valid_from, zstd, 16,384-row groups. A
 * column of the model that the generator has no expression for is written as typed NULL, as a source that
 * lacks it would be, so the files follow the model when it grows.
 *
 * Sizes are proportional to the demo's largest tenant (12,500 tickets, 600 companies, 2,400 contacts, 18,000
 * time entries); dates spread over the three years up to `now`, more of them recent (a growing business), so a
 * 30-day dashboard has data. About 2% of tickets have three SCD2 versions: half of those were closed, reopened
 * and closed again (the reopen KPI's transitions), the other half went New → In Progress → their current state.
 *
 *   node -r tsx/cjs bench/bigTenantLake.ts '{"lakeDir":"/tmp/lake","tenantId":"big-msp","tickets":1000000}'
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  CANONICAL_TABLES,
  HISTORY_COLUMNS,
  IDENTITY_COLUMNS,
  type CanonicalTableName,
} from '../mappings/canonical';
import { assertTenantId } from '../shared/config/tenantId';
import { DUCKDB_TYPES } from '../shared/lake/canonicalParquet';

export interface BigTenantSpec {
  lakeDir: string;
  tenantId: string;
  tickets: number;
  /** The data's "now" (the end of the generated period); the wall clock when not given. */
  now?: Date;
}

export interface BigTenantLake {
  tenantId: string;
  /** History rows per table (versions included). */
  rows: Record<CanonicalTableName, number>;
  /** Tickets with more than one version, and how many of them were reopened. */
  multiVersionTickets: number;
  reopenedTickets: number;
  seconds: number;
}

export const SOURCE = 'connectwise';

/** Per ticket, as in the demo's largest tenant. */
const PER_TICKET = { companies: 600 / 12_500, contacts: 2400 / 12_500, timeEntries: 18_000 / 12_500 };
const DAY = 86_400;
const SPAN_SECONDS = 3 * 365 * DAY;

export function bigTenantSizes(tickets: number): Record<CanonicalTableName, number> {
  const companies = Math.max(1, Math.round(tickets * PER_TICKET.companies));
  return {
    companies,
    contacts: Math.max(1, Math.round(tickets * PER_TICKET.contacts)),
    tickets,
    time_entries: Math.round(tickets * PER_TICKET.timeEntries),
  };
}

/** The technicians of a tenant of this size (ticket owners and time-entry members). */
export function technicianCount(tickets: number): number {
  return Math.max(5, Math.round(tickets / 1750));
}

/** A member's name as the generator spells it (the load's `?member=` filter uses them). */
export const technicianName = (index: number) => `tech${String(index).padStart(3, '0')}`;

/** Words the generated summaries and notes are made of: the load's `?search=` terms come from here. */
export const SUMMARY_SUBJECTS = [
  'Printer',
  'Email',
  'VPN',
  'Laptop',
  'Firewall',
  'Backup',
  'Password',
  'Wi-Fi',
  'Server',
  'Phone system',
  'Office 365',
  'Scanner',
] as const;
const SUMMARY_PROBLEMS = [
  'not working',
  'slow',
  'offline',
  'error on login',
  'needs replacement',
  'setup request',
  'keeps disconnecting',
  'access request',
];

const list = (values: readonly string[]) =>
  `[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;

/** Macros every table's expressions share (uniform draws, the clock, names) and the tickets' facts table. */
function setupStatements(sizes: Record<CanonicalTableName, number>, nowSeconds: number): string[] {
  const technicians = technicianCount(sizes.tickets);
  return [
    `CREATE MACRO now_s() AS ${nowSeconds}::DOUBLE`,
    `CREATE MACRO start_s() AS ${nowSeconds - SPAN_SECONDS}::DOUBLE`,
    // A uniform draw in [0, 1) per row and purpose: the same row and salt always give the same value.
    `CREATE MACRO u(i, salt) AS (hash(i, salt) % 1000003)::DOUBLE / 1000003`,
    `CREATE MACRO ts(seconds) AS to_timestamp(seconds)`,
    `CREATE MACRO company_name(k) AS list_extract(${list(['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay'])}, (k % 12) + 1)
       || ' ' || list_extract(${list(['Dental', 'Logistics', 'Partners', 'Legal', 'Clinic', 'Foods', 'Motors', 'Design', 'Capital', 'Realty'])}, ((k // 12) % 10) + 1)
       || ' ' || k::VARCHAR`,
    // Tickets: entered with a volume that grows linearly to twice the starting rate (as the live simulator).
    `CREATE MACRO t_entered(i) AS start_s() + (sqrt(1 + 3 * u(i, 'entered')) - 1) * ${SPAN_SECONDS}`,
    `CREATE MACRO t_age(i) AS now_s() - t_entered(i)`,
    `CREATE MACRO t_closed(i) AS CASE WHEN t_age(i) > ${30 * DAY} THEN u(i, 'closed') < 0.95
       WHEN t_age(i) > ${2 * DAY} THEN u(i, 'closed') < 0.6 ELSE u(i, 'closed') < 0.25 END`,
    // Exponential resolve times (mean two days), never later than a minute ago.
    `CREATE MACRO t_closed_s(i) AS least(t_entered(i) + 600 - ln(1 - u(i, 'resolve')) * ${2 * DAY}, now_s() - 60)`,
    `CREATE MACRO t_responded_s(i) AS t_entered(i) + 60 - ln(1 - u(i, 'respond')) * 7200`,
    `CREATE MACRO t_priority(i) AS CASE WHEN u(i, 'priority') < 0.05 THEN 1 WHEN u(i, 'priority') < 0.2 THEN 2
       WHEN u(i, 'priority') < 0.7 THEN 3 ELSE 4 END`,
    `CREATE MACRO t_sla_s(i) AS list_extract([4, 8, 24, 72], t_priority(i)) * 3600`,
    // Companies by a skewed draw, so the top-companies chart has leaders.
    `CREATE MACRO t_company(i) AS 1 + floor(pow(u(i, 'company'), 2) * ${sizes.companies})::BIGINT`,
    `CREATE MACRO t_owner(i) AS 'tech' || lpad((1 + floor(u(i, 'owner') * ${technicians})::BIGINT)::VARCHAR, 3, '0')`,
    `CREATE MACRO t_multi(i) AS u(i, 'versions') < 0.02`,
    `CREATE MACRO t_reopened(i) AS t_multi(i) AND t_closed(i) AND u(i, 'reopen') < 0.5`,
    // Each ticket's facts once: the tickets' versions and the time entries on them both read these.
    `CREATE TEMP TABLE ticket_facts AS SELECT i, t_entered(i) AS entered, t_closed(i) AS is_closed,
       t_closed_s(i) AS closed_at, t_responded_s(i) AS responded_at, t_priority(i) AS priority_rank,
       t_sla_s(i) AS sla_seconds, t_company(i) AS company_k, t_owner(i) AS owner_name, t_multi(i) AS multi,
       t_reopened(i) AS reopened, 1 + floor(u(i, 'subject') * ${SUMMARY_SUBJECTS.length})::BIGINT AS subject_k
     FROM range(1, ${sizes.tickets + 1}) AS r(i)`,
  ];
}

interface TableSql {
  /** Rows, one per version: a FROM clause over range(), with `i` the record and `v` the version (2 = current). */
  from: string;
  /** Epoch seconds of the version's valid_from (its source update time). */
  validFrom: string;
  sourceId: string;
  columns: Record<string, string>;
}

function tableSql(table: CanonicalTableName, sizes: Record<CanonicalTableName, number>): TableSql {
  switch (table) {
    case 'companies':
      return {
        from: `range(1, ${sizes.companies + 1}) AS r(i)`,
        sourceId: `i::VARCHAR`,
        validFrom: `start_s() + u(i, 'company_updated') * ${SPAN_SECONDS}`,
        columns: {
          company_id: `i::VARCHAR`,
          identifier: `'C' || lpad(i::VARCHAR, 6, '0')`,
          name: `company_name(i)`,
          status: `CASE WHEN u(i, 'inactive') < 0.05 THEN 'Inactive' ELSE 'Active' END`,
          types: `'["Client"]'`,
          phone_number: `'555-' || lpad((i % 10000)::VARCHAR, 4, '0')`,
          website: `'https://www.company' || i::VARCHAR || '.example'`,
          city: `list_extract(${list(['Seattle', 'Portland', 'Denver', 'Austin', 'Chicago', 'Boston', 'Atlanta', 'Phoenix', 'Miami', 'Columbus'])}, (i % 10) + 1)`,
          state: `list_extract(${list(['WA', 'OR', 'CO', 'TX', 'IL', 'MA', 'GA', 'AZ', 'FL', 'OH'])}, (i % 10) + 1)`,
          zip: `lpad(((i * 7919) % 100000)::VARCHAR, 5, '0')`,
          country: `'United States'`,
          deleted: `false`,
          date_entered: `ts(start_s() + u(i, 'company_entered') * ${SPAN_SECONDS} * 0.5)`,
          updated_at: `ts(start_s() + u(i, 'company_updated') * ${SPAN_SECONDS})`,
          custom_fields: `'[]'`,
        },
      };
    case 'contacts':
      return {
        from: `range(1, ${sizes.contacts + 1}) AS r(i)`,
        sourceId: `i::VARCHAR`,
        validFrom: `start_s() + u(i, 'contact_updated') * ${SPAN_SECONDS}`,
        columns: {
          contact_id: `i::VARCHAR`,
          first_name: `list_extract(${list(['Ada', 'Grace', 'Alan', 'Linus', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances'])}, (i % 10) + 1)`,
          last_name: `list_extract(${list(['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Dijkstra', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen'])}, ((i // 10) % 10) + 1)`,
          company_id: `(1 + (i - 1) % ${sizes.companies})::VARCHAR`,
          company_name: `company_name(1 + (i - 1) % ${sizes.companies})`,
          title: `list_extract(${list(['Office Manager', 'CEO', 'IT Contact', 'Accountant', 'Receptionist'])}, (i % 5) + 1)`,
          email: `'contact' || i::VARCHAR || '@company' || (1 + (i - 1) % ${sizes.companies})::VARCHAR || '.example'`,
          phone: `'555-' || lpad((i % 10000)::VARCHAR, 4, '0')`,
          inactive: `u(i, 'contact_inactive') < 0.05`,
          updated_at: `ts(start_s() + u(i, 'contact_updated') * ${SPAN_SECONDS})`,
          custom_fields: `'[]'`,
        },
      };
    case 'tickets': {
      // Version 2 is the current state; 0 and 1 exist for multi-version tickets only.
      const reopened = `reopened`;
      const firstClose = `(entered + (closed_at - entered) * 0.4)`;
      const reopen = `(entered + (closed_at - entered) * 0.7)`;
      const currentUpdate = `CASE WHEN is_closed THEN closed_at
        ELSE least(now_s() - 30, entered + (now_s() - entered) * u(i, 'touched')) END`;
      const validFrom = `CASE WHEN v = 2 THEN ${currentUpdate}
        WHEN ${reopened} THEN (CASE WHEN v = 0 THEN ${firstClose} ELSE ${reopen} END)
        ELSE entered + (${currentUpdate} - entered) * (CASE WHEN v = 0 THEN 0.0 ELSE 0.5 END) END`;
      // Closed in this version: the current state, or the first close of a reopened ticket.
      const closedNow = `(CASE WHEN v = 2 THEN is_closed ELSE ${reopened} AND v = 0 END)`;
      const openStatus = `list_extract(${list(['New', 'In Progress', 'Waiting Customer', 'Scheduled', 'Escalated'])}, 1 + floor(u(i, 'status') * 5)::BIGINT)`;
      return {
        from: `ticket_facts CROSS JOIN range(3) AS versions(v) WHERE v = 2 OR multi`,
        sourceId: `i::VARCHAR`,
        validFrom,
        columns: {
          ticket_id: `i::VARCHAR`,
          summary: `list_extract(${list(SUMMARY_SUBJECTS)}, subject_k)
            || ' ' || list_extract(${list(SUMMARY_PROBLEMS)}, 1 + floor(u(i, 'problem') * ${SUMMARY_PROBLEMS.length})::BIGINT)`,
          record_type: `'ServiceTicket'`,
          status: `CASE WHEN ${closedNow} THEN (CASE WHEN u(i, 'status') < 0.8 THEN 'Closed' ELSE 'Completed' END)
            WHEN v = 1 AND ${reopened} THEN 'Re-opened'
            WHEN v = 0 THEN 'New' WHEN v = 1 THEN 'In Progress' ELSE ${openStatus} END`,
          priority: `list_extract(${list(['Priority 1 - Critical', 'Priority 2 - High', 'Priority 3 - Medium', 'Priority 4 - Low'])}, priority_rank)`,
          board: `list_extract(${list(['Service Desk', 'Projects', 'Network Operations', 'Onboarding'])}, 1 + floor(pow(u(i, 'board'), 2) * 4)::BIGINT)`,
          type: `list_extract(${list(['Incident', 'Service Request', 'Problem', 'Change'])}, 1 + floor(u(i, 'type') * 4)::BIGINT)`,
          severity: `list_extract(${list(['Low', 'Medium', 'High'])}, 1 + floor(u(i, 'severity') * 3)::BIGINT)`,
          impact: `list_extract(${list(['Low', 'Medium', 'High'])}, 1 + floor(u(i, 'impact') * 3)::BIGINT)`,
          company_id: `company_k::VARCHAR`,
          company_name: `company_name(company_k)`,
          contact_id: `(1 + ((company_k - 1) + ${sizes.companies} * floor(u(i, 'contact') * 4)::BIGINT) % ${sizes.contacts})::VARCHAR`,
          contact_name: `'Contact of ' || company_name(company_k)`,
          owner: `owner_name`,
          date_entered: `ts(entered)`,
          updated_at: `ts(${validFrom})`,
          required_date: `CASE WHEN u(i, 'required') < 0.4 THEN ts(entered + (1 + floor(u(i, 'due') * 30)) * ${DAY}) END`,
          closed_date: `CASE WHEN ${closedNow} THEN ts(${validFrom}) END`,
          closed: closedNow,
          actual_hours: `CASE WHEN ${closedNow} THEN round(0.25 + u(i, 'hours') * 8, 2) ELSE round(u(i, 'hours') * 2, 2) END`,
          budget_hours: `CASE WHEN u(i, 'budget') < 0.3 THEN round(1 + u(i, 'budget_hours') * 10, 1) END`,
          custom_fields: `'[]'`,
          date_responded: `CASE WHEN responded_at <= ${validFrom} THEN ts(responded_at) END`,
          date_resolved: `CASE WHEN ${closedNow} THEN ts(${validFrom}) END`,
          respond_minutes: `CASE WHEN responded_at <= ${validFrom} THEN round((responded_at - entered) / 60, 1) END`,
          resolve_minutes: `CASE WHEN ${closedNow} THEN round((${validFrom} - entered) / 60, 1) END`,
          is_in_sla: `CASE WHEN ${closedNow} THEN ${validFrom} - entered <= sla_seconds
            ELSE now_s() - entered <= sla_seconds END`,
          sla_status: `CASE WHEN ${closedNow} THEN 'Resolved' WHEN responded_at <= ${validFrom} THEN 'Resolve' ELSE 'Respond' END`,
          agreement_id: `CASE WHEN company_k % 5 < 3 THEN (company_k % 3 + 1)::VARCHAR END`,
          agreement_name: `CASE WHEN company_k % 5 < 3 THEN list_extract(${list(['Managed Services', 'Block Hours', 'Break Fix'])}, company_k % 3 + 1) END`,
        },
      };
    }
    case 'time_entries': {
      // Each entry is on a ticket, by its owner mostly, within the ticket's life.
      const ticket = `ticket_k`;
      const end = `(CASE WHEN is_closed THEN closed_at ELSE now_s() - 60 END)`;
      const start = `(entered + u(i, 'entry_start') * (${end} - entered))`;
      const hours = `(0.25 * (1 + floor(u(i, 'entry_hours') * 12)))`;
      const billable = `u(i, 'billable')`;
      const option = `CASE WHEN ${billable} < 0.7 THEN 'Billable' WHEN ${billable} < 0.85 THEN 'DoNotBill' ELSE 'NoCharge' END`;
      const rate = `(95 + 5 * floor(u(i, 'rate') * 18))`;
      return {
        from: `(SELECT entry.i AS i, facts.i AS ticket_k, facts.* EXCLUDE (i)
          FROM range(1, ${sizes.time_entries + 1}) AS entry(i)
          JOIN ticket_facts AS facts ON facts.i = 1 + floor(u(entry.i, 'entry_ticket') * ${sizes.tickets})::BIGINT) AS entries`,
        sourceId: `i::VARCHAR`,
        validFrom: `least(${start} + ${hours} * 3600, now_s() - 30)`,
        columns: {
          time_entry_id: `i::VARCHAR`,
          company_id: `company_k::VARCHAR`,
          company_name: `company_name(company_k)`,
          charge_to_type: `'ServiceTicket'`,
          charge_to_id: `${ticket}::VARCHAR`,
          ticket_id: `${ticket}::VARCHAR`,
          member: `CASE WHEN u(i, 'entry_member') < 0.8 THEN owner_name ELSE t_owner(i + ${sizes.tickets}) END`,
          work_type: `list_extract(${list(['Remote Support', 'Onsite', 'Travel', 'Project Work'])}, 1 + floor(u(i, 'work_type') * 4)::BIGINT)`,
          time_start: `ts(${start})`,
          time_end: `ts(least(${start} + ${hours} * 3600, now_s() - 30))`,
          actual_hours: hours,
          billed_hours: `CASE WHEN ${billable} < 0.7 THEN ${hours} ELSE 0 END`,
          billable_option: option,
          status: `CASE WHEN u(i, 'entry_status') < 0.8 THEN 'Billed' ELSE 'Open' END`,
          notes: `'Worked on ' || lower(list_extract(${list(SUMMARY_SUBJECTS)}, subject_k))`,
          date_entered: `ts(least(${start} + ${hours} * 3600, now_s() - 30))`,
          updated_at: `ts(least(${start} + ${hours} * 3600, now_s() - 30))`,
          custom_fields: `'[]'`,
          hourly_rate: rate,
          hourly_cost: `round(${rate} * 0.45, 2)`,
          extended_invoice_amount: `CASE WHEN ${billable} < 0.7 THEN ${hours} * ${rate} ELSE 0 END`,
          agreement_id: `CASE WHEN company_k % 5 < 3 THEN (company_k % 3 + 1)::VARCHAR END`,
          agreement_name: `CASE WHEN company_k % 5 < 3 THEN list_extract(${list(['Managed Services', 'Block Hours', 'Break Fix'])}, company_k % 3 + 1) END`,
          work_role: `list_extract(${list(['Technician', 'Engineer', 'Senior Engineer', 'Project Manager'])}, 1 + floor(u(i, 'role') * 4)::BIGINT)`,
        },
      };
    }
  }
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The SELECT of one table's history, in compaction's column order, types and row order. */
export function historySelect(
  table: CanonicalTableName,
  tenantId: string,
  sizes: Record<CanonicalTableName, number>,
): string {
  const sql = tableSql(table, sizes);
  const canonical = CANONICAL_TABLES[table].columns.map((column) => {
    const expression = sql.columns[column.name];
    return `CAST(${expression ?? 'NULL'} AS ${DUCKDB_TYPES[column.type]}) AS "${column.name}"`;
  });
  const hashed = CANONICAL_TABLES[table].columns
    .filter((column) => column.name !== 'updated_at')
    .map((column) => `"${column.name}"`);
  const [tenant, source, sourceId] = IDENTITY_COLUMNS.map((column) => column.name);
  const [validFrom, validTo, isCurrent, recordHash] = HISTORY_COLUMNS.map((column) => column.name);
  return `
    WITH versions AS (
      SELECT CAST(${literal(tenantId)} AS VARCHAR) AS ${tenant}, CAST(${literal(SOURCE)} AS VARCHAR) AS ${source},
             CAST(${sql.sourceId} AS VARCHAR) AS ${sourceId}, ${canonical.join(', ')},
             CAST(ts(${sql.validFrom}) AS TIMESTAMPTZ) AS ${validFrom}
      FROM ${sql.from}
    )
    SELECT * EXCLUDE (${validFrom}), ${validFrom},
           lead(${validFrom}) OVER successor AS ${validTo},
           lead(${validFrom}) OVER successor IS NULL AS ${isCurrent},
           substr(sha256(concat_ws('|', ${hashed.map((name) => `CAST(${name} AS VARCHAR)`).join(', ')})), 1, 32) AS ${recordHash}
    FROM versions
    WINDOW successor AS (PARTITION BY ${tenant}, ${source}, ${sourceId} ORDER BY ${validFrom})
    ORDER BY ${tenant}, ${source}, ${sourceId}, ${validFrom}`;
}

export function historyPath(lakeDir: string, tenantId: string, table: CanonicalTableName): string {
  return join(lakeDir, tenantId, 'canonical', table, SOURCE, 'history.parquet');
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  return Number(reader.getRowObjectsJS()[0]!.n);
}

/** Writes every canonical table's history of one generated tenant; replaces files already there. */
export async function writeBigTenantLake(spec: BigTenantSpec): Promise<BigTenantLake> {
  const tenantId = assertTenantId(spec.tenantId);
  const sizes = bigTenantSizes(spec.tickets);
  const nowSeconds = Math.floor((spec.now ?? new Date()).getTime() / 60_000) * 60;
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: '3GB',
    preserve_insertion_order: 'false',
  });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const statement of setupStatements(sizes, nowSeconds)) await connection.run(statement);
    const rows = {} as Record<CanonicalTableName, number>;
    for (const table of Object.keys(CANONICAL_TABLES) as CanonicalTableName[]) {
      const path = historyPath(spec.lakeDir, tenantId, table);
      mkdirSync(join(path, '..'), { recursive: true });
      await connection.run(
        `COPY (${historySelect(table, tenantId, sizes)}) TO ${literal(path)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384)`,
      );
      rows[table] = await count(connection, `SELECT count(*) AS n FROM read_parquet(${literal(path)})`);
    }
    const tickets = literal(historyPath(spec.lakeDir, tenantId, 'tickets'));
    const multiVersionTickets = await count(
      connection,
      `SELECT count(DISTINCT source_id) AS n FROM read_parquet(${tickets}) WHERE NOT is_current`,
    );
    const reopenedTickets = await count(
      connection,
      `SELECT count(DISTINCT source_id) AS n FROM read_parquet(${tickets}) WHERE status = 'Re-opened'`,
    );
    return {
      tenantId,
      rows,
      multiVersionTickets,
      reopenedTickets,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

if (require.main === module) {
  writeBigTenantLake(JSON.parse(process.argv[2] ?? '') as BigTenantSpec).then(
    (lake) => process.stdout.write(`${JSON.stringify(lake)}\n`),
    (cause: unknown) => {
      console.error(cause);
      process.exit(1);
    },
  );
}
