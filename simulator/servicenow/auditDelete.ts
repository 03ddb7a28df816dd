/**
 * sys_audit_delete, "Deleted Records" (reference §A.11): one row per audited deletion, filed under the deleted
 * record's own table (`tablename`), its sys_id as `documentkey`, the deletion time as `sys_created_on`, with the
 * record's display value and a short XML payload of it. Served through the same routes and query plans as every
 * table; the rows are few next to the tables they audit, so a query scans them.
 */
import { hashString, hex32, mix32 } from '../core/prng';
import type { DbRecord } from './data';
import { glideDateTime } from './dates';
import { compileOrder, type QueryRow } from './encodedQuery';
import {
  columnExtremes,
  type AggregateResult,
  type PageRequest,
  type PageResult,
  type QueryPlan,
  type QueryableTable,
} from './queryable';
import { AUDIT_DELETE_SCHEMA, type ServiceNowTableName, type TableSchema } from './tables';

/** Only admin may delete task records on a stock instance (the delete ACLs), so admin is the simulated deleter. */
const DELETED_BY = 'admin';
const SYS_ID_SALT = hashString('sys_id:sys_audit_delete');
/** The payload keeps to the columns that identify the record, not the whole record: it stays short. */
const PAYLOAD_FIELDS = ['sys_id', 'sys_created_on', 'sys_updated_on', 'sys_mod_count'] as const;
const { freeze } = Object;

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

function xmlText(value: string): string {
  return value.replace(/[&<>]/g, (char) => XML_ESCAPES[char] as string);
}

/** The record's unload-style XML, as Undelete reads it back. */
function payloadOf(table: ServiceNowTableName, record: DbRecord, displayField: string): string {
  const fields = [...new Set([displayField, ...PAYLOAD_FIELDS])];
  const elements = fields.map((field) => `<${field}>${xmlText(record[field] ?? '')}</${field}>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><${table}>${elements}</${table}>`;
}

class AuditRow implements QueryRow {
  constructor(readonly record: DbRecord) {}

  value(field: string): string {
    return this.record[field] ?? '';
  }
}

export class AuditDeleteLog implements QueryableTable {
  readonly schema: TableSchema = AUDIT_DELETE_SCHEMA;
  private readonly rows: AuditRow[] = [];
  private readonly ordinalsBySysId = new Map<string, number>();

  constructor(private readonly seed: number) {}

  get length(): number {
    return this.rows.length;
  }

  /** Appends one row per deleted record of `table`, all deleted at `seconds` (epoch seconds, UTC). */
  append(
    table: ServiceNowTableName,
    deleted: readonly DbRecord[],
    displayField: string,
    seconds: number,
  ): void {
    const at = glideDateTime(seconds);
    for (const record of deleted) {
      const ordinal = this.rows.length;
      const sysId = [0, 1, 2, 3].map((word) => hex32(mix32(this.seed, SYS_ID_SALT, ordinal, word))).join('');
      // One object literal in the schema's column order: JSON lists the columns in that order.
      const row: DbRecord = freeze({
        tablename: table,
        documentkey: record.sys_id ?? '',
        display_value: record[displayField] ?? '',
        payload: payloadOf(table, record, displayField),
        sys_created_by: DELETED_BY,
        sys_created_on: at,
        sys_id: sysId,
        sys_mod_count: '0',
        sys_tags: '',
        sys_updated_by: DELETED_BY,
        sys_updated_on: at,
      });
      this.rows.push(new AuditRow(row));
      this.ordinalsBySysId.set(sysId, ordinal);
    }
  }

  ordinalOf(sysId: string): number {
    return this.ordinalsBySysId.get(sysId) ?? -1;
  }

  record(ordinal: number): DbRecord {
    return (this.rows[ordinal] as AuditRow).record;
  }

  /** Every match of a plan in its order; ties (and no ORDERBY) keep the order the deletions happened in. */
  private matches(plan: QueryPlan): number[] {
    const found: number[] = [];
    this.rows.forEach((row, ordinal) => {
      if (!plan.filter || plan.filter(row)) found.push(ordinal);
    });
    if (plan.orderBy.length > 0) {
      const order = compileOrder(plan.orderBy, (field) => this.schema.fields.get(field));
      found.sort((a, b) => order(this.rows[a] as AuditRow, this.rows[b] as AuditRow) || a - b);
    }
    return found;
  }

  page(plan: QueryPlan, request: PageRequest): PageResult {
    const all = this.matches(plan);
    const end = Math.min(all.length, request.offset + request.limit);
    return {
      ordinals: request.offset < end ? all.slice(request.offset, end) : [],
      total: request.count ? all.length : undefined,
      more: end < all.length,
    };
  }

  aggregate(plan: QueryPlan, minFields: readonly string[], maxFields: readonly string[]): AggregateResult {
    const rows = this.matches({ ...plan, orderBy: [] }).map((ordinal) => this.rows[ordinal] as AuditRow);
    return {
      count: rows.length,
      min: columnExtremes(this.schema, rows, minFields, 1),
      max: columnExtremes(this.schema, rows, maxFields, -1),
    };
  }
}
