/**
 * The encoded query of `sysparm_query` (reference §A.4): `^` AND, `^OR` OR with the previous condition, `^NQ` a new
 * query OR-ed with the others, `ORDERBY<col>` / `ORDERBYDESC<col>` anywhere, `^EQ` end, `^^` a literal caret.
 * Conditions are `<column><operator><value>`. As on an instance with `glide.invalid_query.returns_no_rows=false`
 * (the default), a part that names an unknown column, uses an unsupported operator or has an invalid operand is
 * dropped and the rest of the query applies; dot-walked columns (`caller_id.name`) count as unknown here.
 */
import { dateTimeOperand } from './dates';
import type { FieldSpec } from './tables';

export const QUERY_OPERATORS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'IN',
  'NOT IN',
  'STARTSWITH',
  'ENDSWITH',
  'LIKE',
  'NOT LIKE',
  'ISEMPTY',
  'ISNOTEMPTY',
  'EMPTYSTRING',
  'ANYTHING',
  'BETWEEN',
] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

/** Operators ServiceNow has that the simulator does not evaluate: such conditions are dropped, not misread. */
const UNSUPPORTED_OPERATORS = [
  'INSTANCEOF',
  'SAMEAS',
  'NSAMEAS',
  'DYNAMIC',
  'ONToday',
  'NOTONToday',
  'ON',
  'NOTON',
  'RELATIVEGT',
  'RELATIVELT',
  'RELATIVEGE',
  'RELATIVELE',
  'RELATIVEEE',
  'DATEPART',
  'MORETHAN',
  'LESSTHAN',
  'VALCHANGES',
  'CHANGESFROM',
  'CHANGESTO',
  'GT_FIELD',
  'LT_FIELD',
  'GT_OR_EQUALS_FIELD',
  'LT_OR_EQUALS_FIELD',
];

const NO_OPERAND = new Set<QueryOperator>(['ISEMPTY', 'ISNOTEMPTY', 'EMPTYSTRING', 'ANYTHING']);
const ORDERING = new Set<QueryOperator>(['<', '<=', '>', '>=']);
/** Longest first, so `<=` wins over `<` and `NOT IN` over `IN`. */
const OPERATOR_TOKENS = [...QUERY_OPERATORS, ...UNSUPPORTED_OPERATORS].sort((a, b) => b.length - a.length);
const COLUMN = /^[a-z0-9_]+(?:\.[a-z0-9_]+)*/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;

export interface QueryCondition {
  field: string;
  operator: QueryOperator;
  /** The operand as written; date/time operands are normalised to `YYYY-MM-DD HH:MM:SS`. */
  value: string;
}

/** One `^NQ` query: every entry must hold, and an entry holds when any of its conditions (`a^ORb`) does. */
export type QueryGroup = QueryCondition[][];

export interface OrderTerm {
  field: string;
  descending: boolean;
}

export interface EncodedQuery {
  /** OR-ed queries, each with at least one entry; none = every record. */
  groups: QueryGroup[];
  orderBy: OrderTerm[];
  /** The parts that were dropped, as written (for tests and debugging). */
  ignored: string[];
}

/** The columns a query may use, and their kinds. */
export type FieldLookup = (field: string) => FieldSpec | undefined;

/** Splits at `^`, reading `^^` as a caret inside a part. */
function splitParts(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== '^') current += ch;
    else if (text[i + 1] === '^') {
      current += '^';
      i++;
    } else {
      parts.push(current);
      current = '';
    }
  }
  parts.push(current);
  return parts;
}

function isNumeric(spec: FieldSpec): boolean {
  return spec.numeric === true;
}

function isTemporal(spec: FieldSpec): boolean {
  return spec.kind === 'datetime' || spec.kind === 'duration';
}

/** The operand as the comparison needs it, or undefined when the condition is invalid. */
function operand(spec: FieldSpec, operator: QueryOperator, raw: string): string | undefined {
  if (NO_OPERAND.has(operator)) return '';
  if (operator === 'BETWEEN') {
    const bounds = raw.split('@');
    if (bounds.length !== 2) return undefined;
    const normalised = bounds.map((bound) => operand(spec, '>=', bound));
    return normalised.includes(undefined) ? undefined : normalised.join('@');
  }
  if (ORDERING.has(operator)) {
    if (isTemporal(spec)) return dateTimeOperand(raw);
    if (isNumeric(spec)) return NUMBER.test(raw) ? raw : undefined;
    return raw;
  }
  if (isTemporal(spec) && raw !== '') {
    // Equality and lists on a date/time: a value that is not one can never match, but it is not invalid.
    if (operator === 'IN' || operator === 'NOT IN') {
      return raw
        .split(',')
        .map((item) => dateTimeOperand(item) ?? item)
        .join(',');
    }
    if (operator === '=' || operator === '!=') return dateTimeOperand(raw) ?? raw;
  }
  return raw;
}

function parseCondition(text: string, fields: FieldLookup): QueryCondition | undefined {
  const column = COLUMN.exec(text);
  if (!column) return undefined;
  const field = column[0];
  const spec = fields(field);
  if (!spec) return undefined;
  const rest = text.slice(field.length);
  const token = OPERATOR_TOKENS.find((candidate) => rest.startsWith(candidate));
  if (!token || !(QUERY_OPERATORS as readonly string[]).includes(token)) return undefined;
  const operator = token as QueryOperator;
  const value = operand(spec, operator, rest.slice(token.length));
  return value === undefined ? undefined : { field, operator, value };
}

/** Parses `sysparm_query` against the columns of one table. */
export function parseEncodedQuery(text: string | undefined, fields: FieldLookup): EncodedQuery {
  const query: EncodedQuery = { groups: [], orderBy: [], ignored: [] };
  if (text === undefined || text === '') return query;
  let group: QueryGroup | undefined;
  const parts = splitParts(text);
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i] as string;
    if (part === '') continue;
    if (part === 'EQ') break;
    if (part.startsWith('ORDERBY')) {
      const descending = part.startsWith('ORDERBYDESC');
      const field = part.slice(descending ? 'ORDERBYDESC'.length : 'ORDERBY'.length);
      if (fields(field)) query.orderBy.push({ field, descending });
      else query.ignored.push(part);
      continue;
    }
    if (part.startsWith('GROUPBY')) {
      query.ignored.push(part);
      continue;
    }
    let or = false;
    if (i > 0 && part.startsWith('NQ')) {
      group = undefined;
      part = part.slice(2);
    } else if (i > 0 && part.startsWith('OR')) {
      or = true;
      part = part.slice(2);
    }
    if (part === '') continue;
    if (!group) {
      group = [];
      query.groups.push(group);
    }
    // An OR joins the entry before it, even when that entry's condition was dropped.
    let entry = or ? group[group.length - 1] : undefined;
    if (!entry) {
      entry = [];
      group.push(entry);
    }
    const condition = parseCondition(part, fields);
    if (condition) entry.push(condition);
    else query.ignored.push(or ? `OR${part}` : part);
  }
  // Dropped parts are as if never written: `a=1^bogus=2` is `a=1`, `a=1^NQbogus=2` is `a=1`, `bogus=2` is everything.
  query.groups = query.groups
    .map((parsed) => parsed.filter((entry) => entry.length > 0))
    .filter((parsed) => parsed.length > 0);
  return query;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/** A record as the evaluator reads it: the stored (database) value of a column, '' when empty. */
export interface QueryRow {
  value(field: string): string;
}

export type RowPredicate = (row: QueryRow) => boolean;

function compare(spec: FieldSpec, a: string, b: string): number {
  if (isNumeric(spec)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compileCondition(condition: QueryCondition, spec: FieldSpec): RowPredicate {
  const { field, operator, value } = condition;
  const lower = value.toLowerCase();
  switch (operator) {
    case '=':
      return (row) => row.value(field) === value;
    case '!=':
      return (row) => row.value(field) !== value;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      // Empty values are NULL in the database: no ordering comparison matches them.
      const test =
        operator === '<'
          ? (order: number) => order < 0
          : operator === '<='
            ? (order: number) => order <= 0
            : operator === '>'
              ? (order: number) => order > 0
              : (order: number) => order >= 0;
      return (row) => {
        const actual = row.value(field);
        return actual !== '' && test(compare(spec, actual, value));
      };
    }
    case 'BETWEEN': {
      const [low, high] = value.split('@') as [string, string];
      return (row) => {
        const actual = row.value(field);
        return actual !== '' && compare(spec, actual, low) >= 0 && compare(spec, actual, high) <= 0;
      };
    }
    case 'IN':
    case 'NOT IN': {
      const set = new Set(value.split(','));
      return operator === 'IN' ? (row) => set.has(row.value(field)) : (row) => !set.has(row.value(field));
    }
    // Pattern operators ignore case, as the instance's database collation does.
    case 'STARTSWITH':
      return (row) => row.value(field).toLowerCase().startsWith(lower);
    case 'ENDSWITH':
      return (row) => row.value(field).toLowerCase().endsWith(lower);
    case 'LIKE':
      return (row) => row.value(field).toLowerCase().includes(lower);
    case 'NOT LIKE':
      return (row) => !row.value(field).toLowerCase().includes(lower);
    case 'ISEMPTY':
    case 'EMPTYSTRING':
      return (row) => row.value(field) === '';
    case 'ISNOTEMPTY':
      return (row) => row.value(field) !== '';
    case 'ANYTHING':
      return () => true;
  }
}

function all(predicates: RowPredicate[]): RowPredicate {
  if (predicates.length === 1) return predicates[0] as RowPredicate;
  return (row) => {
    for (const predicate of predicates) if (!predicate(row)) return false;
    return true;
  };
}

function any(predicates: RowPredicate[]): RowPredicate {
  if (predicates.length === 1) return predicates[0] as RowPredicate;
  return (row) => {
    for (const predicate of predicates) if (predicate(row)) return true;
    return false;
  };
}

/** The filter of a parsed query; undefined when it keeps every record. */
export function compileFilter(query: EncodedQuery, fields: FieldLookup): RowPredicate | undefined {
  if (query.groups.length === 0) return undefined;
  return any(
    query.groups.map((group) =>
      all(
        group.map((entry) =>
          any(entry.map((condition) => compileCondition(condition, fields(condition.field) as FieldSpec))),
        ),
      ),
    ),
  );
}

/** Orders two stored values of a column; empty values sort first, as NULLs do. */
export function compareForOrder(spec: FieldSpec, x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return -1;
  if (y === '') return 1;
  return compare(spec, x, y);
}

/** Compares two rows by the ORDERBY terms (0 = tie). */
export function compileOrder(
  orderBy: readonly OrderTerm[],
  fields: FieldLookup,
): (a: QueryRow, b: QueryRow) => number {
  const terms = orderBy.map((term) => ({ ...term, spec: fields(term.field) as FieldSpec }));
  return (a, b) => {
    for (const { field, descending, spec } of terms) {
      const order = compareForOrder(spec, a.value(field), b.value(field));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
}

/** Inclusive/exclusive bounds on sys_id that every matching record satisfies (the keyset `sys_id>X`). */
export interface SysIdBounds {
  after?: { value: string; inclusive: boolean };
  before?: { value: string; inclusive: boolean };
}

/**
 * The sys_id bounds of a single query's AND-ed one-condition entries, so the store can start a keyset page with a
 * binary search. Only an optimisation: the filter checks the same conditions.
 */
export function sysIdBounds(query: EncodedQuery): SysIdBounds {
  const bounds: SysIdBounds = {};
  if (query.groups.length !== 1) return bounds;
  for (const entry of query.groups[0] as QueryGroup) {
    const condition = entry[0];
    if (entry.length !== 1 || !condition || condition.field !== 'sys_id') continue;
    const { operator, value } = condition;
    const tighten = (side: 'after' | 'before', inclusive: boolean) => {
      const current = bounds[side];
      const tighter =
        !current ||
        (side === 'after' ? value > current.value : value < current.value) ||
        (value === current.value && !inclusive);
      if (tighter) bounds[side] = { value, inclusive };
    };
    if (operator === '>' || operator === '>=') tighten('after', operator === '>=');
    if (operator === '<' || operator === '<=') tighten('before', operator === '<=');
    if (operator === '=') {
      tighten('after', true);
      tighten('before', true);
    }
  }
  return bounds;
}
