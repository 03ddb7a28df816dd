/**
 * What the Table and Aggregate APIs read from a table, whatever stores it: the generated tables (store.ts) and the
 * deletion audit (auditDelete.ts) answer the same plans, so the routes and the encoded-query parser are shared.
 */
import type { DbRecord } from './data';
import {
  compareForOrder,
  type OrderTerm,
  type QueryRow,
  type RowPredicate,
  type SysIdBounds,
} from './encodedQuery';
import type { FieldSpec, TableSchema } from './tables';

/** A query ready to run against one table. */
export interface QueryPlan {
  filter: RowPredicate | undefined;
  orderBy: readonly OrderTerm[];
  bounds: SysIdBounds;
  /** Identifies the filter in the table's result cache. */
  key: string;
}

export interface PageRequest {
  offset: number;
  limit: number;
  /** Whether the total is needed (X-Total-Count); without it a page stops scanning early. */
  count: boolean;
}

export interface PageResult {
  ordinals: number[];
  /** All matches, when counted. */
  total: number | undefined;
  /** Whether matches exist after this page. */
  more: boolean;
}

/** The Aggregate API's answer: count and per-column minimum / maximum. */
export interface AggregateResult {
  count: number;
  min: Record<string, string>;
  max: Record<string, string>;
}

/** A table as the API routes read it: records by ordinal, found by sys_id or by a query plan. */
export interface QueryableTable {
  readonly schema: TableSchema;
  /** The ordinal of a current record's sys_id, or -1. */
  ordinalOf(sysId: string): number;
  record(ordinal: number): DbRecord;
  /** One page of a query: `limit` matches after `offset`, with the total when counted. */
  page(plan: QueryPlan, request: PageRequest): PageResult;
  /** Count and per-column minimum / maximum of a query's matches; empty values are skipped. */
  aggregate(plan: QueryPlan, minFields: readonly string[], maxFields: readonly string[]): AggregateResult;
}

/** The smallest (sign 1) or largest (sign -1) non-empty value of each field over some rows; '' when none. */
export function columnExtremes(
  schema: TableSchema,
  rows: Iterable<QueryRow>,
  fields: readonly string[],
  sign: 1 | -1,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (fields.length === 0) return result;
  const specs = fields.map((field) => schema.fields.get(field) as FieldSpec);
  const best = fields.map(() => '');
  for (const row of rows) {
    fields.forEach((field, i) => {
      const value = row.value(field);
      const current = best[i] as string;
      if (
        value !== '' &&
        (current === '' || sign * compareForOrder(specs[i] as FieldSpec, value, current) < 0)
      )
        best[i] = value;
    });
  }
  fields.forEach((field, i) => (result[field] = best[i] as string));
  return result;
}
