/**
 * The analytics contract's lake: two tenants, each with ConnectWise and ServiceNow rows of every canonical
 * table, generated from a seed and written the way the pipeline writes it (versions files from the transform's
 * encoder, history files from compaction). Besides the lake, the generator keeps every history row it expects
 * compaction to write, so the contract can compute each answer itself, without any engine.
 *
 * Values are chosen so that both engines and the oracle add up exactly: durations are whole quarter hours
 * (a few with sub-second parts that date_diff's boundary counting ignores), hours are quarters, amounts whole.
 * Every column of the model gets values, the ones the KPIs read on purpose and the others by type, so a column
 * added to mappings/canonical.ts is compared by the contract without a change here.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CANONICAL_TABLE_NAMES,
  CANONICAL_TABLES,
  type CanonicalColumn,
  type CanonicalTableName,
} from '../../mappings/canonical';
import type { CanonicalRow, CanonicalValue } from '../../mappings/compile';
import { compactHistory } from '../../services/transform/compactHistory';
import { recordHash } from '../../services/transform/scd2';
import { encodeCanonicalVersions, type CanonicalVersion } from '../../shared/lake/canonicalParquet';
import { canonicalHistoryKey } from '../../shared/lake/keys';
import { makeEvent, type TableCompactedEvent } from '../../shared/events/schemas';

/** One row of a history file: identity, the canonical columns and the SCD2 columns. */
export type HistoryRow = CanonicalRow & {
  tenant_id: string;
  source: string;
  source_id: string;
  valid_from: Date;
  valid_to: Date | null;
  is_current: boolean;
  record_hash: string;
  /** The contract lake deletes nothing: always null. */
  deleted_at: Date | null;
};

export type TenantHistory = Record<CanonicalTableName, HistoryRow[]>;

export interface ContractLakeFile {
  tenantId: string;
  source: string;
  table: CanonicalTableName;
  objectKey: string;
  rows: number;
  currentRows: number;
}

/** The TableCompacted event compaction publishes for a file. */
export function tableCompacted(file: ContractLakeFile, jobId = 'job-contract'): TableCompactedEvent {
  return makeEvent(
    'TableCompacted',
    { tenantId: file.tenantId, jobId, occurredAt: new Date('2025-03-20T12:00:00.000Z') },
    {
      source: file.source,
      table: file.table,
      rows: file.rows,
      currentRows: file.currentRows,
      objectKey: file.objectKey,
    },
    [file.source, file.table],
  );
}

export interface ContractLake {
  lakeDir: string;
  tenants: string[];
  sources: string[];
  /** Every history row the lake holds, per tenant and table. */
  history: Record<string, TenantHistory>;
  /** The files written: what a TableCompacted names, with its row counts. */
  files: ContractLakeFile[];
  remove(): Promise<void>;
}

export const CONTRACT_TENANTS = ['alpha-msp', 'beta-it'];
export const CONTRACT_SOURCES = ['connectwise', 'servicenow'];

const QUARTER = 15 * 60 * 1000;
const DAY = 86_400_000;
/** Ticket and time-entry activity spans mid-December 2024 to the end of March 2025. */
const START = Date.UTC(2024, 11, 15);
const END = Date.UTC(2025, 2, 31);

/** mulberry32: a small deterministic generator, so the lake is the same on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!,
    quarterBetween: (from: number, to: number) =>
      from + Math.floor((next() * (to - from)) / QUARTER) * QUARTER,
  };
}
type Random = ReturnType<typeof random>;

/** A value of a column no generator below knows: by its type, sometimes null. */
function anyValue(column: CanonicalColumn, rng: Random, index: number): CanonicalValue {
  if (rng.chance(0.2)) return null;
  switch (column.type) {
    case 'string':
      return `${column.name}-${rng.int(1, 5)}`;
    case 'integer':
      return rng.int(0, 9);
    case 'number':
      return rng.int(0, 40) / 4;
    case 'boolean':
      return rng.chance(0.5);
    case 'timestamp':
      return new Date(rng.quarterBetween(START, END));
    case 'json':
      return JSON.stringify({ index, tag: `t${rng.int(1, 3)}`, nested: { flag: rng.chance(0.5) } });
  }
}

/** A row of `table` with every column of the model: `known` where given, the rest by type. */
function fullRow(table: CanonicalTableName, known: CanonicalRow, rng: Random, index: number): CanonicalRow {
  const row: CanonicalRow = {};
  for (const column of CANONICAL_TABLES[table].columns)
    row[column.name] = column.name in known ? known[column.name]! : anyValue(column, rng, index);
  return row;
}

interface SourceKeys {
  key: (index: number) => string;
}

const KEYS: Record<string, SourceKeys> = {
  // ConnectWise ids are integers; ServiceNow's are 32-hex sys_ids. Both are text in the canonical model.
  connectwise: { key: (index) => String(1000 + index) },
  servicenow: {
    key: (index) =>
      ((index * 2654435761) % 2 ** 32).toString(16).padStart(8, '0') + index.toString(16).padStart(24, '0'),
  },
};

const SUMMARIES = [
  'Printer offline',
  'Discount 50% not applied',
  'user_name locked out',
  'Share C:\\temp is full',
  'Émile cannot log in',
  'VPN drops every hour',
  'new laptop for ANNA',
  'Outlook: 100% CPU',
];
const OWNERS = ['alice', 'bob', 'chloé', 'dmitri', null];
const MEMBERS = ['alice', 'bob', 'chloé', 'dmitri', 'eve', null];
// Never 'New', the first version's: a change to it would be no change (the same hash), so no new version.
const OPEN_STATUSES = ['In Progress', 'Waiting on client'];
const PRIORITIES = ['P1 - Critical', 'P2 - High', 'P3 - Normal', 'P4 - Low'];
const BOARDS = ['Service Desk', 'Projects', 'Network'];
const BILLABLE = ['Billable', 'Billable', 'NoCharge', 'DoNotBill', 'NoDefault', null];

interface Generated {
  versions: Record<CanonicalTableName, CanonicalVersion[]>;
}

function version(
  tenantId: string,
  source: string,
  sourceId: string,
  validFrom: Date,
  row: CanonicalRow,
): CanonicalVersion {
  return { tenantId, source, sourceId, validFrom, recordHash: recordHash(row), row };
}

function generateSource(tenantId: string, source: string, seed: number, sizes: ContractLakeSizes): Generated {
  const rng = random(seed);
  const keys = KEYS[source] ?? { key: (index: number) => `${source}-${index}` };
  const versions: Record<CanonicalTableName, CanonicalVersion[]> = {
    companies: [],
    contacts: [],
    tickets: [],
    time_entries: [],
  };

  const companies: Array<{ id: string; name: string | null }> = [];
  for (let index = 0; index < sizes.companies; index += 1) {
    const id = `${source === 'connectwise' ? '' : 'acct-'}${250 + index}`;
    // One company has no name (the source left it empty): it must show as null, not '' or a missing row.
    const name = index === 1 ? null : `${tenantId === CONTRACT_TENANTS[0] ? 'Contoso' : 'Fabrikam'} ${index}`;
    companies.push({ id, name });
    const entered = new Date(rng.quarterBetween(START - 400 * DAY, START));
    const row = fullRow(
      'companies',
      {
        company_id: id,
        name,
        date_entered: entered,
        updated_at: entered,
        deleted: index === 5 ? true : null,
      },
      rng,
      index,
    );
    versions.companies.push(version(tenantId, source, id, entered, row));
    if (index % 4 === 0) {
      // A later version (the company moved): the current row differs from the first.
      const moved = new Date(entered.getTime() + 30 * DAY);
      const next = { ...row, city: `Moved ${index}`, updated_at: moved };
      versions.companies.push(version(tenantId, source, id, moved, next));
    }
  }
  // A company id that tickets and time entries reference but that the companies table lacks.
  const companyOf = () => {
    if (rng.chance(0.12)) return { id: null, name: null };
    if (rng.chance(0.06)) return { id: 'missing-1', name: 'Gone Ltd' };
    // The nameless company gets a good share of the work, so it ranks among the top companies.
    return rng.chance(0.2) ? companies[1]! : rng.pick(companies);
  };

  for (let index = 0; index < sizes.contacts; index += 1) {
    const id = keys.key(5000 + index);
    const company = companyOf();
    const updated = new Date(rng.quarterBetween(START - 100 * DAY, END));
    const row = fullRow(
      'contacts',
      {
        contact_id: id,
        first_name: rng.pick(['Ana', 'Bo', 'Émile', 'Zoë', null]),
        last_name: index % 9 === 0 ? null : `Last_${String(index).padStart(3, '0')}`,
        company_id: company.id,
        company_name: company.name,
        email: index % 7 === 0 ? null : `person${index}@example.com`,
        inactive: rng.pick([true, false, false, null]),
        updated_at: updated,
      },
      rng,
      index,
    );
    versions.contacts.push(version(tenantId, source, id, updated, row));
  }

  for (let index = 0; index < sizes.tickets; index += 1) {
    const id = keys.key(index);
    const company = companyOf();
    let entered = rng.quarterBetween(START, END);
    const enteredKnown = !rng.chance(0.04);
    // A few entry times carry milliseconds: date_diff('second') counts second boundaries, so they change nothing.
    if (index % 17 === 0) entered += 900;
    const respondedAfter = rng.chance(0.7) ? rng.int(1, 120) * 5 * 60_000 : null;
    const base: CanonicalRow = {
      ticket_id: id,
      summary: rng.pick(SUMMARIES),
      status: 'New',
      priority: rng.pick(PRIORITIES),
      board: rng.pick(BOARDS),
      company_id: company.id,
      company_name: company.name,
      owner: rng.pick(OWNERS),
      date_entered: enteredKnown ? new Date(entered) : null,
      required_date: rng.chance(0.7) ? new Date(entered + rng.int(1, 14 * 24) * 4 * QUARTER) : null,
      closed_date: null,
      closed: rng.chance(0.1) ? null : false,
      actual_hours: rng.chance(0.8) ? rng.int(0, 40) / 4 : null,
      budget_hours: rng.chance(0.5) ? rng.int(0, 40) / 4 : null,
      date_responded: respondedAfter === null ? null : new Date(entered + respondedAfter),
      respond_minutes:
        respondedAfter !== null && rng.chance(0.5) ? Math.round(respondedAfter / 60_000 / 2) : null,
      is_in_sla: rng.pick([true, true, false, null, null]),
      reopened_count: null,
    };
    const lifecycle: Array<{ at: number; changes: CanonicalRow }> = [{ at: entered, changes: {} }];
    if (rng.chance(0.6)) {
      // Closed after whole quarter hours; some the same day, some weeks later; one close time with milliseconds.
      let closedAt = entered + rng.int(1, rng.chance(0.3) ? 20 : 2400) * QUARTER;
      if (index % 13 === 0) closedAt += 100;
      lifecycle.push({
        at: closedAt,
        changes: { status: 'Closed', closed: true, closed_date: new Date(closedAt) },
      });
      if (rng.chance(0.3)) {
        // Reopened, and sometimes closed again: the reopen KPI reads these from the history.
        const reopenedAt = closedAt + rng.int(1, 300) * QUARTER;
        lifecycle.push({
          at: reopenedAt,
          changes: { status: 'In Progress', closed: false, closed_date: null },
        });
        if (rng.chance(0.5)) {
          const closedAgain = reopenedAt + rng.int(1, 300) * QUARTER;
          lifecycle.push({
            at: closedAgain,
            changes: { status: 'Resolved', closed: true, closed_date: new Date(closedAgain) },
          });
        }
      }
    } else if (rng.chance(0.3)) {
      lifecycle.push({
        at: entered + rng.int(1, 200) * QUARTER,
        changes: { status: rng.pick(OPEN_STATUSES) },
      });
    }
    let row = fullRow('tickets', base, rng, index);
    for (const step of lifecycle) {
      row = { ...row, ...step.changes, updated_at: new Date(step.at) };
      versions.tickets.push(version(tenantId, source, id, new Date(step.at), row));
    }
  }

  for (let index = 0; index < sizes.timeEntries; index += 1) {
    const id = keys.key(20_000 + index);
    const company = companyOf();
    const start = rng.quarterBetween(START, END);
    const hours = rng.chance(0.05) ? null : rng.int(1, 32) / 4;
    const billable = rng.pick(BILLABLE);
    const rate = rng.pick([80, 100, 120, 160]);
    const priced = billable === 'Billable' ? rng.chance(0.85) : rng.chance(0.3);
    const row = fullRow(
      'time_entries',
      {
        time_entry_id: id,
        company_id: company.id,
        company_name: company.name,
        ticket_id: rng.chance(0.7) ? keys.key(rng.int(0, sizes.tickets - 1)) : null,
        member: rng.pick(MEMBERS),
        time_start: new Date(start),
        time_end: hours === null ? null : new Date(start + hours * 4 * QUARTER),
        actual_hours: hours,
        billable_option: billable,
        hourly_rate: priced ? rate : null,
        extended_invoice_amount: priced ? (billable === 'Billable' ? (hours ?? 0) * rate : 0) : null,
        updated_at: new Date(start + DAY),
      },
      rng,
      index,
    );
    versions.time_entries.push(version(tenantId, source, id, new Date(start + DAY), row));
  }
  return { versions };
}

/** A row of `table` with every column of the model null but the ones given (and updated_at). */
export function sparseRow(table: CanonicalTableName, values: CanonicalRow): CanonicalRow {
  const row: CanonicalRow = Object.fromEntries(
    CANONICAL_TABLES[table].columns.map((column) => [column.name, null]),
  );
  return { ...row, ...values };
}

/** A version of a record, hashed as the transform hashes it. */
export function canonicalVersion(
  tenantId: string,
  source: string,
  sourceId: string,
  validFrom: Date,
  row: CanonicalRow,
): CanonicalVersion {
  return version(tenantId, source, sourceId, validFrom, { ...row, updated_at: validFrom });
}

/**
 * Writes one tenant's source's history file of a table from its versions, as compaction does; returns the
 * file's TableCompacted fields.
 */
export async function writeHistoryFile(
  lakeDir: string,
  table: CanonicalTableName,
  versions: CanonicalVersion[],
): Promise<ContractLakeFile> {
  const { tenantId, source } = versions[0]!;
  const scratch = await mkdtemp(join(tmpdir(), 'avesa-versions-'));
  try {
    const versionsPath = join(scratch, '000000.parquet');
    await writeFile(versionsPath, encodeCanonicalVersions(table, versions));
    const objectKey = canonicalHistoryKey(tenantId, table, source);
    const compacted = await compactHistory({
      versionsGlob: versionsPath,
      outputPath: join(lakeDir, objectKey),
      table,
    });
    return { tenantId, source, table, objectKey, rows: compacted.rows, currentRows: compacted.current };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The SCD2 history of distinct versions: every version kept, each valid until the next one of its record. */
function historyOf(versions: CanonicalVersion[]): HistoryRow[] {
  const byKey = new Map<string, CanonicalVersion[]>();
  for (const item of versions) {
    const key = `${item.source}\u0000${item.sourceId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  const rows: HistoryRow[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime());
    list.forEach((item, index) => {
      const next = list[index + 1];
      rows.push({
        tenant_id: item.tenantId,
        source: item.source,
        source_id: item.sourceId,
        ...item.row,
        valid_from: item.validFrom,
        valid_to: next ? next.validFrom : null,
        is_current: next === undefined,
        record_hash: item.recordHash,
        deleted_at: null,
      });
    });
  }
  return rows;
}

export interface ContractLakeSizes {
  companies: number;
  contacts: number;
  tickets: number;
  timeEntries: number;
}

export const CONTRACT_SIZES: ContractLakeSizes = {
  companies: 12,
  contacts: 30,
  tickets: 160,
  timeEntries: 180,
};

/**
 * Writes the contract lake into a new temporary directory: for each tenant, source and table, one versions file
 * (the transform's encoder) compacted into `{tenant}/canonical/{table}/{source}/history.parquet` (compaction).
 */
export async function writeContractLake(
  options: { sizes?: ContractLakeSizes; tenants?: string[]; sources?: string[]; seed?: number } = {},
): Promise<ContractLake> {
  const sizes = options.sizes ?? CONTRACT_SIZES;
  const tenants = options.tenants ?? CONTRACT_TENANTS;
  const sources = options.sources ?? CONTRACT_SOURCES;
  const root = await mkdtemp(join(tmpdir(), 'avesa-contract-lake-'));
  const lakeDir = join(root, 'lake');
  const history: Record<string, TenantHistory> = {};
  const files: ContractLake['files'] = [];
  let seed = options.seed ?? 20250101;
  for (const [tenantIndex, tenantId] of tenants.entries()) {
    history[tenantId] = { companies: [], contacts: [], tickets: [], time_entries: [] };
    // The second tenant has tickets whose ids the first has not (and both have the first's ids).
    const tenantSizes = { ...sizes, tickets: sizes.tickets + tenantIndex * 20 };
    for (const source of sources) {
      const generated = generateSource(tenantId, source, (seed += 7919), tenantSizes);
      for (const table of CANONICAL_TABLE_NAMES) {
        const versionsPath = join(root, 'versions', tenantId, source, table, '000000.parquet');
        await mkdir(dirname(versionsPath), { recursive: true });
        await writeFile(versionsPath, encodeCanonicalVersions(table, generated.versions[table]));
        const objectKey = canonicalHistoryKey(tenantId, table, source);
        const compacted = await compactHistory({
          versionsGlob: versionsPath,
          outputPath: join(lakeDir, objectKey),
          table,
        });
        const expected = historyOf(generated.versions[table]);
        // The oracle's history must be the one compaction wrote, or every expectation below is moot.
        if (compacted.rows !== expected.length)
          throw new Error(
            `contract lake: compaction of ${tenantId}/${source}/${table} wrote ${compacted.rows} rows, expected ${expected.length}`,
          );
        history[tenantId]![table].push(...expected);
        files.push({
          tenantId,
          source,
          table,
          objectKey,
          rows: compacted.rows,
          currentRows: compacted.current,
        });
      }
    }
  }
  return {
    lakeDir,
    tenants,
    sources,
    history,
    files,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
