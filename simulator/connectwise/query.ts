/**
 * Turns the list query parameters (reference source-apis.md §1.4: `conditions`, `childConditions`,
 * `customFieldConditions`, `orderBy`, `fields`) into a plan the table store can execute cheaply.
 */
import {
  checkConditionTypes,
  compileCondition,
  compileGetter,
  conditionPaths,
  ConditionSyntaxError,
  conjuncts,
  stripFirstSegment,
  type CompareOp,
  type Condition,
  type Getter,
  parseConditions,
  type Predicate,
} from './conditions';
import { canonicalFieldName, customFieldTypeOf, fieldTypeOf } from './data';
import type { CwRecord } from './types';

const COMPILE_OPTIONS = { canonicalName: canonicalFieldName };
// Alias of a global used per record (see prng.ts: global lookups are slow inside jest's vm context).
const { isArray } = Array;

/** A comparison the store answers from its lastUpdated / dateEntered columns without building the record. */
export interface ColumnTest {
  column: 'lastUpdated' | 'dateEntered';
  op: CompareOp;
  /** Epoch milliseconds of the datetime literal. */
  ms: number;
}

/**
 * The filter of a list or count request. The top-level AND-ed `id` and `lastUpdated`/`dateEntered` comparisons
 * become an id range (binary search on the sorted id column) and column tests; only the rest (`residual`) needs
 * the materialised record. That is what keeps a `id > X AND lastUpdated >= [T]` page over 1,000,000 records cheap.
 */
export interface RecordFilter {
  /** Identifies the filter in the store's result cache. */
  key: string;
  /** Inclusive id bounds. */
  idMin: number;
  idMax: number;
  columnTests: ColumnTest[];
  residual: Predicate | undefined;
}

export interface FilterParams {
  conditions?: string | undefined;
  childConditions?: string | undefined;
  customFieldConditions?: string | undefined;
}

function extractIdBound(filter: RecordFilter, op: CompareOp, value: number): boolean {
  switch (op) {
    case '=':
      filter.idMin = Math.max(filter.idMin, Math.ceil(value));
      filter.idMax = Math.min(filter.idMax, Number.isInteger(value) ? value : -Infinity);
      return true;
    case '>':
      filter.idMin = Math.max(filter.idMin, Math.floor(value) + 1);
      return true;
    case '>=':
      filter.idMin = Math.max(filter.idMin, Math.ceil(value));
      return true;
    case '<':
      filter.idMax = Math.min(filter.idMax, Math.ceil(value) - 1);
      return true;
    case '<=':
      filter.idMax = Math.min(filter.idMax, Math.floor(value));
      return true;
    default:
      return false;
  }
}

function columnOf(path: string[]): ColumnTest['column'] | undefined {
  const name = path.join('/').toLowerCase();
  if (name === 'lastupdated' || name === '_info/lastupdated') return 'lastUpdated';
  if (name === 'dateentered') return 'dateEntered';
  return undefined;
}

/**
 * `childConditions` apply to one child at a time (`communicationItems/value like "x" AND
 * communicationItems/communicationType = "Email"` needs one item satisfying both, reference §1.4). When every path
 * starts with the same array field, a record matches if one element satisfies the whole condition; otherwise the
 * paths are evaluated with any-element semantics.
 */
function compileChildConditions(condition: Condition): Predicate {
  const firsts = new Set(conditionPaths(condition).map((path) => (path[0] ?? '').toLowerCase()));
  const [first] = [...firsts];
  const paths = conditionPaths(condition);
  if (firsts.size !== 1 || first === undefined || paths.some((path) => path.length < 2)) {
    return compileCondition(condition, COMPILE_OPTIONS);
  }
  const getChildren = compileGetter([first], COMPILE_OPTIONS);
  const inner = compileCondition(stripFirstSegment(condition), COMPILE_OPTIONS);
  return (record) => {
    const children = getChildren(record);
    return isArray(children) ? children.some(inner) : inner(children);
  };
}

/** `customFieldConditions=caption="X" AND value != null`: one element of `customFields` must match (reference §1.4). */
function compileCustomFieldConditions(condition: Condition): Predicate {
  const inner = compileCondition(condition, COMPILE_OPTIONS);
  return (record) => {
    const fields = (record as CwRecord).customFields;
    return isArray(fields) && fields.some(inner);
  };
}

/** Parses and plans the filter parameters; undefined when there is nothing to filter. Throws ConditionSyntaxError. */
export function buildFilter(params: FilterParams): RecordFilter | undefined {
  const conditions = parseConditions(params.conditions);
  const child = parseConditions(params.childConditions);
  const custom = parseConditions(params.customFieldConditions);
  if (!conditions && !child && !custom) return undefined;
  if (conditions) checkConditionTypes(conditions, fieldTypeOf);
  if (child) checkConditionTypes(child, fieldTypeOf);
  if (custom) checkConditionTypes(custom, customFieldTypeOf);

  const filter: RecordFilter = {
    key: JSON.stringify([
      params.conditions ?? '',
      params.childConditions ?? '',
      params.customFieldConditions ?? '',
    ]),
    idMin: -Infinity,
    idMax: Infinity,
    columnTests: [],
    residual: undefined,
  };
  const rest: Condition[] = [];
  for (const part of conditions ? conjuncts(conditions) : []) {
    if (part.type === 'compare') {
      if (part.path.length === 1 && part.path[0]?.toLowerCase() === 'id' && part.value.kind === 'number') {
        if (extractIdBound(filter, part.op, part.value.value)) continue;
      }
      const column = columnOf(part.path);
      if (column && part.value.kind === 'datetime') {
        filter.columnTests.push({ column, op: part.op, ms: part.value.value });
        continue;
      }
    }
    rest.push(part);
  }
  const predicates: Predicate[] = [];
  if (rest.length > 0) {
    predicates.push(
      compileCondition(
        rest.length === 1 ? (rest[0] as Condition) : { type: 'and', items: rest },
        COMPILE_OPTIONS,
      ),
    );
  }
  if (child) predicates.push(compileChildConditions(child));
  if (custom) predicates.push(compileCustomFieldConditions(custom));
  if (predicates.length === 1) filter.residual = predicates[0];
  else if (predicates.length > 1)
    filter.residual = (record) => predicates.every((predicate) => predicate(record));
  return filter;
}

// ---------------------------------------------------------------------------------------------------------------
// orderBy

export interface OrderTerm {
  path: string[];
  get: Getter;
  descending: boolean;
}

const ORDER_TERM = /^([A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*)(?:\s+(asc|desc))?$/i;

/** `orderBy=contact/name asc, id desc` (reference §1.4). Empty → [] (the default, id ascending). */
export function parseOrderBy(text: string | undefined): OrderTerm[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = ORDER_TERM.exec(part.trim());
    if (!match)
      throw new ConditionSyntaxError(
        `Invalid orderBy term '${part.trim()}': expected 'field asc' or 'field desc'.`,
      );
    const path = (match[1] as string).split('/');
    return {
      path,
      get: compileGetter(path, COMPILE_OPTIONS),
      descending: match[2]?.toLowerCase() === 'desc',
    };
  });
}

/** True when the order is the default one (id ascending), which the store gets for free. */
export function isIdAscending(order: OrderTerm[]): boolean {
  return (
    order.length === 0 ||
    (order[0]?.path.length === 1 && order[0].path[0]?.toLowerCase() === 'id' && !order[0].descending)
  );
}

/** True when the first term is `id desc`: ids are unique, so that alone fixes the order (the reverse of the default). */
export function isIdDescending(order: OrderTerm[]): boolean {
  return order[0]?.path.length === 1 && order[0].path[0]?.toLowerCase() === 'id' && order[0].descending;
}

const TYPE_RANK: Record<string, number> = { boolean: 1, number: 2, string: 3, object: 4 };

/** SQL-like ordering: nulls first, then booleans, numbers, strings (case-insensitive). */
export function compareSortValues(a: unknown, b: unknown): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? -1 : 1;
  const rank = (TYPE_RANK[typeof a] ?? 5) - (TYPE_RANK[typeof b] ?? 5);
  if (rank !== 0) return rank;
  if (typeof a === 'string' && typeof b === 'string') {
    const left = a.toLowerCase();
    const right = b.toLowerCase();
    return left < right ? -1 : left > right ? 1 : 0;
  }
  if (typeof a === 'number' || typeof a === 'boolean') return Number(a) - Number(b);
  return 0;
}

// ---------------------------------------------------------------------------------------------------------------
// fields

/** `fields=id,summary,company/name`: a list of paths; `_info` is returned only if listed (reference §1.4). */
export function parseFields(text: string | undefined): string[][] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  return text
    .split(',')
    .map((field) => field.trim())
    .filter((field) => field !== '')
    .map((field) => field.split('/').map((segment) => canonicalFieldName(segment.toLowerCase()) ?? segment));
}

function copyPath(source: Record<string, unknown>, target: Record<string, unknown>, path: string[]): void {
  const [key, ...rest] = path as [string, ...string[]];
  if (!(key in source)) return;
  const value = source[key];
  if (rest.length === 0 || value === null || typeof value !== 'object') {
    target[key] = value;
  } else if (isArray(value)) {
    // Nested paths through arrays (communicationItems/value) keep the listed key of every element.
    const existing = isArray(target[key]) ? (target[key] as Record<string, unknown>[]) : [];
    target[key] = value.map((element, i) => {
      const into = existing[i] ?? {};
      if (element && typeof element === 'object') copyPath(element as Record<string, unknown>, into, rest);
      return into;
    });
  } else {
    const into = (target[key] && typeof target[key] === 'object' ? target[key] : {}) as Record<
      string,
      unknown
    >;
    copyPath(value as Record<string, unknown>, into, rest);
    target[key] = into;
  }
}

/** The partial record `fields` asks for. */
export function projectFields(record: CwRecord, fields: string[][]): CwRecord {
  const projected: CwRecord = {};
  for (const path of fields) copyPath(record, projected, path);
  return projected;
}
